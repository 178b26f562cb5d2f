using Microsoft.AspNetCore.Http.HttpResults;

namespace SourceSearch.Web.Api;

/// <summary>RFC 7807 problem details with a message a person can act on.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request cannot be used");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Already there");

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");

    /// <summary>Parses an optional positive whole number from the query string.</summary>
    public static bool TryPositive(string? text, string name, int fallback, int max, out int value, out ProblemHttpResult? problem)
    {
        problem = null;
        value = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) || value < 1 || value > max)
        {
            problem = BadRequest($"'{name}' must be a whole number from 1 to {max}; it was '{Shorten(text)}'");
            return false;
        }
        return true;
    }

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
