namespace Bot.Functions.Ci;

public enum CiBuildStatus { Succeeded, Failed }
