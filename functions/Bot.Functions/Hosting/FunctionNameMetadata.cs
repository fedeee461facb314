namespace Bot.Functions.Hosting;

/// <summary>Endpoint metadata naming the HTTP function (in functions.metadata) a standalone endpoint serves. Every /api
/// endpoint carries one; a test checks the endpoints are exactly the HTTP functions of functions.metadata.</summary>
public sealed record FunctionNameMetadata(string FunctionName);
