using System.Security.Cryptography;
using System.Text;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Coupons;
using ReEngage.Flows.Engine.Expressions;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// Moves one run through its flow until it must wait (a delay or a wait node), ends, or fails.
/// Every node it passes writes a step; every message goes to the outbox; all of it in the
/// session's transaction.
/// </summary>
internal sealed class RunStepper(MessageRenderer renderer)
{
    /// <summary>A guard against a loop validation would have refused: no run passes more nodes in one go.</summary>
    private const int MaxStepsPerAdvance = 500;

    /// <summary>Starts a run at <paramref name="trigger"/> and advances it.</summary>
    public async ValueTask<RunRecord> EnterAsync(EngineSession session, FlowProgram program, TriggerNode trigger, CustomerRecord customer, Guid? eventKey, CancellationToken cancellationToken)
    {
        var run = NewRun(session, program, trigger, customer, eventKey);
        Step(session, run, trigger.Id, StepOutcome.Entered);
        await ContinueAsync(session, program, run, customer, FlowPorts.Default, cancellationToken);
        return run;
    }

    /// <summary>A trigger's filter or audience threw: the failure is kept as a run that failed at the trigger.</summary>
    public static void FailAtTrigger(EngineSession session, FlowProgram program, TriggerNode trigger, CustomerRecord customer, Guid? eventKey, string reason) =>
        Fail(session, NewRun(session, program, trigger, customer, eventKey), trigger.Id, reason);

    private static RunRecord NewRun(EngineSession session, FlowProgram program, TriggerNode trigger, CustomerRecord customer, Guid? eventKey)
    {
        var run = new RunRecord
        {
            Id = TimeOrderedIds.Next(session.Now),
            FlowId = program.FlowId,
            Version = program.Version,
            CustomerId = customer.Id,
            Status = RunStatus.Active,
            NodeId = trigger.Id,
            EnteredAt = session.Now,
            EventKey = eventKey,
        };
        session.Add(run);
        return run;
    }

    /// <summary>Resumes a waiting run by <paramref name="port"/> (the delay's exit, or a wait's event/timeout).</summary>
    public async Task ResumeAsync(EngineSession session, FlowProgram program, RunRecord run, CustomerRecord customer, string port, CancellationToken cancellationToken)
    {
        Step(session, run, run.NodeId, StepOutcome.Passed, port == FlowPorts.Default ? null : port);
        run.Status = RunStatus.Active;
        run.WakeAt = null;
        run.AwaitEvent = null;
        await ContinueAsync(session, program, run, customer, port, cancellationToken);
    }

    /// <summary>
    /// A send held by the unread-chat cap (<c>unreadCapAction: wait</c>) tries again, after a read or
    /// when the oldest unread chat reads itself; the guardrails are checked anew and may hold it again.
    /// </summary>
    public async Task RetryHeldSendAsync(EngineSession session, FlowProgram program, RunRecord run, CustomerRecord customer, CancellationToken cancellationToken)
    {
        run.Status = RunStatus.Active;
        run.WakeAt = null;
        run.AwaitEvent = null;
        var action = (ActionNode)program.Node(run.NodeId);
        try
        {
            if (!await SendAsync(session, program, run, customer, action, cancellationToken))
                return;
        }
        catch (Exception ex) when (ex is ExpressionFailedException or CouponException or InvalidOperationException)
        {
            Fail(session, run, action.Id, ex.Message);
            return;
        }

        await ContinueAsync(session, program, run, customer, FlowPorts.Default, cancellationToken);
    }

    /// <summary>A run waits at an action node only while its send is held by the unread-chat cap.</summary>
    public static bool IsHeldSend(FlowProgram program, RunRecord run) =>
        run.Status == RunStatus.Waiting && program.Node(run.NodeId) is ActionNode;

    /// <summary>Ends a run early: its goal was reached (a conversion) or an exit event arrived.</summary>
    public static void End(EngineSession session, RunRecord run, StepOutcome outcome, string reason)
    {
        var node = outcome == StepOutcome.Converted ? run.LastMessageNodeId ?? run.NodeId : run.NodeId;
        Step(session, run, node, outcome, outcome == StepOutcome.Converted ? run.Branch : null, reason);
        Finish(session, run, outcome == StepOutcome.Converted ? RunStatus.Completed : RunStatus.Exited, reason);
    }

    public static void Fail(EngineSession session, RunRecord run, string nodeId, string reason)
    {
        Step(session, run, nodeId, StepOutcome.Failed, null, reason);
        Finish(session, run, RunStatus.Failed, reason);
    }

    private async Task ContinueAsync(EngineSession session, FlowProgram program, RunRecord run, CustomerRecord customer, string port, CancellationToken cancellationToken)
    {
        for (var steps = 0; steps < MaxStepsPerAdvance; steps++)
        {
            var nextId = program.Next(run.NodeId, port);
            if (nextId is null)
            {
                Finish(session, run, RunStatus.Completed, "end of path");
                return;
            }

            run.NodeId = nextId;
            var node = program.Node(nextId);
            try
            {
                var outcome = await ExecuteAsync(session, program, run, customer, node, cancellationToken);
                if (outcome is null)
                    return;
                port = outcome;
            }
            catch (Exception ex) when (ex is ExpressionFailedException or CouponException or InvalidOperationException)
            {
                Fail(session, run, node.Id, ex.Message);
                return;
            }
        }

        Fail(session, run, run.NodeId, $"The run passed {MaxStepsPerAdvance} nodes without waiting; stopped to protect the customer.");
    }

    /// <summary>Runs one node; returns the port to leave by, or null when the run stops here.</summary>
    private async Task<string?> ExecuteAsync(EngineSession session, FlowProgram program, RunRecord run, CustomerRecord customer, FlowNode node, CancellationToken cancellationToken)
    {
        switch (node)
        {
            case ConditionNode condition:
            {
                var result = program.Test(condition.Expression, await ScopeAsync(session, run, customer, cancellationToken)) ? FlowPorts.True : FlowPorts.False;
                Step(session, run, node.Id, StepOutcome.Passed, result);
                return result;
            }

            case SplitNode { Kind: SplitKind.Rules } rules:
            {
                var scope = await ScopeAsync(session, run, customer, cancellationToken);
                var label = rules.Branches.FirstOrDefault(b => program.Test(b.Expression!, scope))?.Label ?? FlowPorts.Else;
                Step(session, run, node.Id, StepOutcome.Passed, label);
                return label;
            }

            case SplitNode random:
            {
                var label = PickBranch(random, program.FlowId, customer.Id);
                run.Branch = label;
                Step(session, run, node.Id, StepOutcome.Passed, label);
                return label;
            }

            case DelayNode delay:
            {
                var wake = Delays.WakeAt(delay, session.Now, session.ZoneOf(customer), customer);
                if (wake <= session.Now)
                {
                    Step(session, run, node.Id, StepOutcome.Passed, null, "the moment had already passed");
                    return FlowPorts.Default;
                }

                Wait(session, run, node.Id, wake, awaitEvent: null);
                return null;
            }

            case WaitNode wait:
            {
                var period = Durations.ParseForExpression(wait.Timeout);
                Wait(session, run, node.Id, LocalClock.Add(session.Now, period, session.ZoneOf(customer)), wait.Event);
                return null;
            }

            case ActionNode action:
                return await ActAsync(session, program, run, customer, action, cancellationToken) ? FlowPorts.Default : null;

            case ExitNode:
                Finish(session, run, RunStatus.Completed, "exit");
                Step(session, run, node.Id, StepOutcome.Completed);
                return null;

            default:
                Step(session, run, node.Id, StepOutcome.Passed);
                return FlowPorts.Default;
        }
    }

    /// <summary>Does the action; false when the run must wait here (a send held by the unread-chat cap).</summary>
    private async Task<bool> ActAsync(EngineSession session, FlowProgram program, RunRecord run, CustomerRecord customer, ActionNode action, CancellationToken cancellationToken)
    {
        switch (action.Do)
        {
            case ActionKind.Send:
                return await SendAsync(session, program, run, customer, action, cancellationToken);

            case ActionKind.Coupon:
                var issued = await IssueAsync(session, run, customer, action, cancellationToken);
                Step(session, run, action.Id, StepOutcome.Passed, null, $"coupon {issued!.Code}");
                return true;

            case ActionKind.Tag:
                CustomerProfile.SetTags(customer, CustomerProfile.Tags(customer).Append(action.Tag!));
                break;

            case ActionKind.Untag:
                CustomerProfile.SetTags(customer, CustomerProfile.Tags(customer).Where(t => t != action.Tag));
                break;

            case ActionKind.Set:
                var value = program.Value(action.Expression!, await ScopeAsync(session, run, customer, cancellationToken));
                var attributes = CustomerProfile.Attributes(customer);
                if (value is null)
                    attributes.Remove(action.Attribute!);
                else
                    attributes[action.Attribute!] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
                CustomerProfile.SetAttributes(customer, attributes);
                break;

            case ActionKind.Points:
                customer.Points += action.Points!.Value;
                break;

            case ActionKind.Webhook:
                var model = await TemplateModel.BuildAsync(session, program, run, customer, coupon: null, cancellationToken);
                var payload = action.Payload is null ? null : renderer.Render(action.Payload, model, session.ZoneOf(customer));
                var seq = Step(session, run, action.Id, StepOutcome.Passed);
                session.Add(Outbox(session, run, seq, action.Id, OutboxKind.Webhook, Channel.Webhook, null, payload, null, action.Url));
                return true;
        }

        Step(session, run, action.Id, StepOutcome.Passed);
        return true;
    }

    /// <summary>Sends through the guardrails; false when the send is held and the run waits at this node.</summary>
    private async Task<bool> SendAsync(EngineSession session, FlowProgram program, RunRecord run, CustomerRecord customer, ActionNode action, CancellationToken cancellationToken)
    {
        var channel = action.Channel!.Value;
        var guard = await Guardrails.SendGuard.CheckAsync(session, program, customer, channel, cancellationToken);
        if (guard.HeldUntil is { } until)
        {
            // No outbox row and no coupon yet: the message is written when it may go out.
            Wait(session, run, action.Id, until, EventTypes.MessageRead, $"held: {Guardrails.SendGuard.UnreadCap}, until a read or {until:O}");
            return false;
        }

        // A stopped send issues no coupon: codes go only to messages that go out.
        var coupon = guard.SuppressedBecause is null ? await IssueAsync(session, run, customer, action, cancellationToken) : null;
        var model = await TemplateModel.BuildAsync(session, program, run, customer, coupon, cancellationToken);
        var zone = session.ZoneOf(customer);
        var (title, body) = renderer.Render(action.Title, action.Body, model, zone);

        if (guard.SuppressedBecause is { } reason)
        {
            var stopped = Step(session, run, action.Id, StepOutcome.Suppressed, null, $"suppressed: {reason}");
            var record = Outbox(session, run, stopped, action.Id, OutboxKind.Message, channel, title, body, null, null);
            record.Status = MessageStatus.Suppressed;
            record.Reason = reason;
            record.DoneAt = session.Now;
            session.Add(record);
            return true;
        }

        var seq = Step(session, run, action.Id, StepOutcome.Passed, null, guard.DueAt > session.Now ? $"quiet hours: sends at {guard.DueAt:O}" : null);
        var message = Outbox(session, run, seq, action.Id, OutboxKind.Message, channel, title, body, coupon?.Code, null);
        message.DueAt = guard.DueAt;
        session.Add(message);
        run.LastMessageNodeId = action.Id;
        run.MessagesSent++;
        return true;
    }

    private static async Task<IssuedCoupon?> IssueAsync(EngineSession session, RunRecord run, CustomerRecord customer, ActionNode action, CancellationToken cancellationToken)
    {
        if (action.Coupon is not { } coupon)
            return null;
        var pool = session.Settings.CouponPools.FirstOrDefault(p => p.Id == coupon.Pool)
            ?? throw new CouponException($"The coupon pool '{coupon.Pool}' is not defined in the settings.");
        return await CouponIssuer.IssueAsync(session.Db, pool, customer.Id, session.Now, run, action.Id, cancellationToken);
    }

    private static MessageRecord Outbox(EngineSession session, RunRecord run, int stepSeq, string nodeId, OutboxKind kind, Channel channel, string? title, string? body, string? coupon, string? url) => new()
    {
        RunId = run.Id,
        StepSeq = stepSeq,
        FlowId = run.FlowId,
        FlowVersion = run.Version,
        NodeId = nodeId,
        CustomerId = run.CustomerId,
        Kind = kind,
        Channel = channel,
        Title = title,
        Body = body,
        Url = url,
        CouponCode = coupon,
        Status = MessageStatus.Pending,
        CreatedAt = session.Now,
        DueAt = session.Now,
    };

    private static async ValueTask<ExpressionScope> ScopeAsync(EngineSession session, RunRecord run, CustomerRecord customer, CancellationToken cancellationToken) =>
        new(session.Input(customer), await session.EventAsync(run.EventKey, cancellationToken), EngineSession.RunInput(run, session.Now));

    private static void Wait(EngineSession session, RunRecord run, string nodeId, DateTimeOffset wake, string? awaitEvent, string? detail = null)
    {
        run.Status = RunStatus.Waiting;
        run.WakeAt = wake;
        run.AwaitEvent = awaitEvent;
        Step(session, run, nodeId, StepOutcome.Waiting, null, detail ?? $"until {wake:O}");
    }

    private static void Finish(EngineSession session, RunRecord run, RunStatus status, string reason)
    {
        run.Status = status;
        run.EndedAt = session.Now;
        run.EndReason = reason;
        run.WakeAt = null;
        run.AwaitEvent = null;
    }

    private static int Step(EngineSession session, RunRecord run, string nodeId, StepOutcome outcome, string? port = null, string? detail = null)
    {
        var seq = run.StepCount++;
        var step = new StepRecord
        {
            RunId = run.Id,
            Seq = seq,
            FlowId = run.FlowId,
            Version = run.Version,
            NodeId = nodeId,
            At = session.Now,
            Outcome = outcome,
            Port = port,
            Detail = detail,
        };
        session.Log(run, step);
        session.Count(step);
        return seq;
    }

    /// <summary>Weighted branch from a hash of flow, node and customer: the same customer always lands in the same branch.</summary>
    internal static string PickBranch(SplitNode split, string flowId, string customerId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{flowId}\n{split.Id}\n{customerId}"));
        var unit = BitConverter.ToUInt64(hash, 0) / (double)ulong.MaxValue;
        var total = split.Branches.Sum(b => b.Weight ?? 0);
        var point = unit * total;
        foreach (var branch in split.Branches)
        {
            point -= branch.Weight ?? 0;
            if (point < 0)
                return branch.Label;
        }

        return split.Branches[^1].Label;
    }
}
