using Microsoft.AspNetCore.Mvc;

namespace Bot.Functions.Hosting;

/// <summary>An endpoint's <see cref="IResult"/> as the <see cref="IActionResult"/> an HTTP function returns. The worker's
/// ASP.NET Core integration executes only <see cref="IActionResult"/> (and <c>HttpResponseData</c>); the standalone host
/// executes it the same way, so both write the same answer.</summary>
public sealed class HttpAnswer(IResult result) : IActionResult
{
    public IResult Result => result;

    public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);

    public static async Task<IActionResult> Of(Task<IResult> answer) => new HttpAnswer(await answer);

    public static IActionResult Of(IResult answer) => new HttpAnswer(answer);

    /// <summary>A 404 problem for a function whose feature is switched off (Slack not configured, command API disabled).</summary>
    public static IActionResult Off(string detail) =>
        new HttpAnswer(TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound));
}
