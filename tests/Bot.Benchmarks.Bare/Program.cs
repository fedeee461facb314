// A bare ASP.NET Core app: what start-up costs before the bot adds anything. Port from the first argument.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{(args.Length > 0 ? args[0] : "5099")}");
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/api/health", () => Results.Ok(new { status = "healthy" }));
app.Run();
