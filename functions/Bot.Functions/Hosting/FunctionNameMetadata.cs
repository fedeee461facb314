namespace Bot.Functions.Hosting;

/// <summary>Endpoint metadata naming the HTTP-triggered function (folder with function.json) an endpoint belongs to.
/// Every /api endpoint carries one; a test checks each has a function.json and each HTTP function.json an endpoint.</summary>
public sealed record FunctionNameMetadata(string FunctionName);
