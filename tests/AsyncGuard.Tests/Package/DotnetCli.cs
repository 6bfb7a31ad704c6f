using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace AsyncGuard.Tests.Package
{
    /// <summary>Runs the dotnet CLI as a user would from a shell, with an isolated package cache.</summary>
    internal static class DotnetCli
    {
        internal sealed record Result(int ExitCode, string Output)
        {
            public override string ToString() => $"exit code {ExitCode}\n{Output}";
        }

        internal static Result Run(string workingDirectory, string packagesFolder, params string[] arguments)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // The test host inherits variables from the outer `dotnet test`; a user's shell has none of them.
            foreach (var inherited in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG" })
            {
                start.Environment.Remove(inherited);
            }

            start.Environment["NUGET_PACKAGES"] = packagesFolder;
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            // No build servers: they outlive the command and keep its output pipes open.
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            start.Environment["UseSharedCompilation"] = "false";

            var output = new StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit((int)TimeSpan.FromMinutes(5).TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet {string.Join(" ", arguments)} did not finish in 5 minutes:\n{output}");
            }

            process.WaitForExit();
            lock (output)
            {
                return new Result(process.ExitCode, output.ToString());
            }
        }

        private static void Append(StringBuilder output, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
