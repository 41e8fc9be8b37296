namespace ReEngage.Flows.Designer;

/// <summary>
/// Runs work a moment after the last request for it (a keystroke, an edit) rather than on every one;
/// a newer request cancels the older. The result is handed to <c>show</c>, which a component passes
/// through its <c>InvokeAsync</c> so it lands on the circuit's context.
/// </summary>
public sealed class Debouncer : IDisposable
{
    private CancellationTokenSource? pending;

    public void Run<T>(TimeSpan delay, Func<CancellationToken, Task<T>> work, Func<Action, Task> dispatch, Action<T> show)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(dispatch);
        pending?.Cancel();
        pending?.Dispose();
        pending = new CancellationTokenSource();
        var token = pending.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, token);
                var result = await work(token);
                await dispatch(() =>
                {
                    if (!token.IsCancellationRequested)
                        show(result);
                });
            }
            catch (OperationCanceledException)
            {
            }
        }, token);
    }

    public void Dispose()
    {
        pending?.Cancel();
        pending?.Dispose();
        pending = null;
    }
}
