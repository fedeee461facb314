using System.Globalization;
using System.Text;
using System.Text.Json;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Polly.Timeout;

namespace Bot.Functions.Hosting;

public static class ProblemAnswerExtensions
{
    /// <summary>Registers <see cref="ProblemAnswers"/> and the problem-details writer (RFC 7807 bodies).</summary>
    public static IServiceCollection AddProblemAnswers(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemAnswers>();
        return services;
    }

    /// <summary>First in the pipeline: unhandled exceptions become problems (<see cref="ProblemAnswers"/>), and a 4xx/5xx
    /// an endpoint (or routing: 404, 405) set without a body gets a problem body with the standard title.</summary>
    public static WebApplication UseProblemAnswers(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
