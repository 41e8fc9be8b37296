using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ReEngage.Flows.Browser.Tests.Support;

/// <summary>What the Host process is started with.</summary>
internal sealed record HostSettings(string HostAssembly, string DataDirectory, string WorkflowsDirectory, string AdminPassword, string LogPath);

/// <summary>
/// The Host's build output run as its own process on a free local port, the way a user runs it, with
/// its stdout and stderr kept in a log file (and in memory, so a test can show the part it caused).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process process;
    private readonly StreamWriter logFile;
    private readonly List<string> lines = [];
    private readonly Lock gate = new();
    private bool logClosed;

    private HostProcess(Process process, StreamWriter logFile, Uri baseAddress)
    {
        this.process = process;
        this.logFile = logFile;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

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

        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var logFile = new StreamWriter(settings.LogPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = StartInfo(settings, baseAddress), EnableRaisingEvents = true };
        var host = new HostProcess(process, logFile, baseAddress);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await host.WaitUntilHealthyAsync(cancellationToken);
            return host;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"The Host did not start: {e.Message}{Environment.NewLine}Its log ({settings.LogPath}):{Environment.NewLine}{host.LogSince(0)}", e);
        }
    }

    /// <summary>Kills the Host and everything it started, by its process id.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(StopTimeout);
                await process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started (Start threw): nothing to stop.
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

    private static ProcessStartInfo StartInfo(HostSettings settings, Uri baseAddress)
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
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        // Development: static web assets (_content/…) are only mapped from the build output there.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ReEngage__DataDirectory"] = settings.DataDirectory;
        info.Environment["ReEngage__WorkflowsDirectory"] = settings.WorkflowsDirectory;
        info.Environment["ReEngage__AdminPassword"] = settings.AdminPassword;
        return info;
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"it exited with code {process.ExitCode}");
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One slow answer while it migrates the database: ask again.
            }

            if (deadline.Elapsed > StartTimeout)
                throw new TimeoutException($"/health did not answer 200 within {StartTimeout.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (gate)
        {
            lines.Add(line);
            // The last lines of a killed process may arrive after the file is closed.
            if (!logClosed)
                logFile.WriteLine(line);
        }
    }

    /// <summary>A port nobody listens on right now; the Host binds it a moment later.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
