using System.Runtime.CompilerServices;

namespace SourceSearch.Web.Tests;

internal static class TestSetup
{
    /// <summary>
    /// The servers under test log nothing to the console. .NET's Console takes two locks in opposite orders when one
    /// thread writes a log line (Out's writer, then Console's own lock for the cursor) while another sets
    /// Console.OutputEncoding, as Playwright does each time it starts its driver: the test run hung there (seen with
    /// dotnet-stack: ConsoleLoggerProcessor.WriteMessage against StdIOTransport.StartProcessWithUTF8IOEncoding).
    /// </summary>
    [ModuleInitializer]
    internal static void QuietConsole() => Environment.SetEnvironmentVariable("Logging__Console__LogLevel__Default", "None");
}
