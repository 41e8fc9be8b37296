using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace ReEngage.Flows.Browser.Tests.Support;

/// <summary>What the Host process is started with.</summary>
internal sealed record HostSettings(string HostAssembly, string DataDirectory, string WorkflowsDirectory, string AdminPassword, string LogPath);

/// <summary>
/// The Host's build output run as its own process on a free local port, the way a user runs it, with
/// its stdout and stderr kept in a log file (and in memory, so a test can show the part it caused).
/// </summary>
internal sealed partial class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process process;
    private readonly StreamWriter logFile;
    private readonly List<string> lines = [];
    private readonly Lock gate = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool logClosed;
    private bool started;
    private bool shutdownLogged;
    private int processId;

    private HostProcess(Process process, StreamWriter logFile)
    {
        this.process = process;
        this.logFile = logFile;
    }

    /// <summary>Where the Host listens; known once <see cref="StartAsync"/> has returned.</summary>
    public Uri BaseAddress => listening.Task.IsCompletedSuccessfully ? listening.Task.Result : throw new InvalidOperationException("The Host is not listening yet.");

    /// <summary>
    /// Why the Host no longer serves, or null while it does. Only <see cref="DisposeAsync"/> stops it
    /// (by SIGKILL, which it cannot log), so anything this reports came from outside the tests.
    /// </summary>
    public string? StoppedUnexpectedly
    {
        get
        {
            lock (gate)
            {
                if (logClosed)
                    return null;
                var signalled = shutdownLogged ? ": a process outside these tests sent it SIGTERM or SIGINT" : "";
                if (process.HasExited)
                    return $"the Host (process {processId}) exited with code {process.ExitCode}{signalled}";
                return shutdownLogged ? $"the Host (process {processId}) is shutting down{signalled}" : null;
            }
        }
    }

    /// <summary>How many log lines there are so far: pass it to <see cref="LogSince"/> later.</summary>
    public int LogMark
    {
        get { lock (gate) return lines.Count; }
    }

    public string LogSince(int mark)
    {
        lock (gate)
            return string.Join(Environment.NewLine, lines.Skip(mark));
    }

    /// <summary>Starts the Host and returns once <c>/health</c> answers; on any failure stops it and throws with its log.</summary>
    public static async Task<HostProcess> StartAsync(HostSettings settings, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(settings.HostAssembly))
            throw new InvalidOperationException($"The Host's build output is missing: {settings.HostAssembly}. Build the solution (or this test project, which builds the Host first).");

        var logFile = new StreamWriter(settings.LogPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = StartInfo(settings), EnableRaisingEvents = true };
        var host = new HostProcess(process, logFile);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Exited += (_, _) => host.listening.TrySetException(new InvalidOperationException("it exited before it listened"));
        try
        {
            host.started = process.Start();
            host.processId = process.Id;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await host.WaitUntilHealthyAsync(cancellationToken);
            return host;
        }
        catch (Exception e)
        {
            await host.DisposeAsync();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
                throw;
            throw new InvalidOperationException($"The Host did not start: {e.Message}{Environment.NewLine}Its log ({settings.LogPath}):{Environment.NewLine}{host.LogSince(0)}", e);
        }
    }

    /// <summary>Kills the Host and everything it started, by its process id.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (started)
                await StopAsync();
        }
        finally
        {
            process.Dispose();
            lock (gate)
            {
                logClosed = true;
                logFile.Dispose();
            }
        }
    }

    private async Task StopAsync()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        // Waiting for the exit also drains its last output into the log (the reason it died, when it did).
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"The Host (process {process.Id}) had not exited {StopTimeout.TotalSeconds:0} s after it was killed.");
        }
    }

    private static ProcessStartInfo StartInfo(HostSettings settings)
    {
        // The SDK tells the test host which dotnet runs it; the same one runs the Host.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = Path.GetDirectoryName(settings.HostAssembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(settings.HostAssembly);
        // Port 0: the system gives Kestrel a free port as it binds, so no other process can take it
        // between our choosing and its binding; the Host prints the address it got.
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        // Development: static web assets (_content/…) are only mapped from the build output there.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ReEngage__DataDirectory"] = settings.DataDirectory;
        info.Environment["ReEngage__WorkflowsDirectory"] = settings.WorkflowsDirectory;
        info.Environment["ReEngage__AdminPassword"] = settings.AdminPassword;
        return info;
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            var address = await listening.Task.WaitAsync(timeout.Token);
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            while (!await IsHealthyAsync(http, timeout.Token))
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"it exited with code {process.ExitCode}");
                await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"it did not listen and answer /health with 200 within {StartTimeout.TotalSeconds:0} s");
        }
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // One slow answer (HttpClient's own timeout) while it settles: ask again.
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        // Kestrel's "Now listening on: http://127.0.0.1:<port>" (and the Host's own start line) name the port it got.
        if (!listening.Task.IsCompleted && ListeningAddress().Match(line) is { Success: true } match)
            listening.TrySetResult(new Uri(match.Value));
        lock (gate)
        {
            // ASP.NET Core's console lifetime logs this when the process receives SIGTERM or SIGINT.
            shutdownLogged |= line.Contains("Application is shutting down", StringComparison.Ordinal);
            lines.Add(line);
            // The last lines of a killed process may arrive after the file is closed.
            if (!logClosed)
                logFile.WriteLine(line);
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:[1-9][0-9]*")]
    private static partial Regex ListeningAddress();
}
