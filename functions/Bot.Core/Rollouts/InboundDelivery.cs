namespace Bot.Core.Rollouts;

/// <summary>A sender's delivery id (e.g. <c>ci:jenkins-checkout-812</c>) and how long to remember it.</summary>
public sealed record InboundDelivery(string Id, TimeSpan Keep);
