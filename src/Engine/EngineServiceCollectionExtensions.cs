using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;
using ReEngage.Flows.Engine.Campaigns;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Scheduling;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The engine and its clock work: storage, the engine, the outbox dispatcher (with the recording
    /// channel unless other adapters are registered first), and Quartz running the engine tick, the
    /// dispatcher, the date sweep, the campaign starts and the daily RFM scoring.
    /// </summary>
    public static IServiceCollection AddFlowEngine(this IServiceCollection services, StorageOptions storage, ChannelOptions? channels = null)
    {
        channels ??= new ChannelOptions();
        services.AddSingleton(channels);
        if (channels.Email is { } smtp)
            services.AddSingleton<IChannelAdapter>(new SmtpEmailChannel(smtp));
        services.AddHttpClient(nameof(WebhookChannel), c => c.Timeout = TimeSpan.FromSeconds(30))
            .AddStandardResilienceHandler();
        services.AddSingleton<IChannelAdapter>(sp => new WebhookChannel(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookChannel)), channels));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(storage);
        services.AddSingleton<FlowDbContextFactory>();
        services.AddSingleton<IDbContextFactory<FlowDbContext>>(sp => sp.GetRequiredService<FlowDbContextFactory>());
        services.AddScoped(sp => sp.GetRequiredService<FlowDbContextFactory>().CreateDbContext());
        services.AddSingleton(FlowValidator.Default);
        services.AddSingleton<FlowCatalog>();
        services.AddSingleton<MessageRenderer>();
        services.AddSingleton<FlowEngine>();
        services.AddSingleton<CampaignRunner>();
        services.AddSingleton<RecordingChannel>();
        services.AddSingleton(sp => new ChannelRouter([.. sp.GetServices<IChannelAdapter>(), sp.GetRequiredService<RecordingChannel>()]));
        services.AddSingleton<OutboxDispatcher>();

        services.AddQuartz(q =>
        {
            q.AddJob<EngineTickJob>(j => j.WithIdentity(EngineTickJob.Key));
            q.AddTrigger(t => t.ForJob(EngineTickJob.Key).StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(1)).RepeatForever()));
            q.AddJob<DispatchJob>(j => j.WithIdentity(DispatchJob.Key));
            q.AddTrigger(t => t.ForJob(DispatchJob.Key).StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(1)).RepeatForever()));
            q.AddJob<DateSweepJob>(j => j.WithIdentity(DateSweepJob.Key));
            q.AddTrigger(t => t.ForJob(DateSweepJob.Key).StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever()));
            q.AddJob<AutoReadJob>(j => j.WithIdentity(AutoReadJob.Key));
            q.AddTrigger(t => t.ForJob(AutoReadJob.Key).StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(15)).RepeatForever()));
            q.AddJob<CampaignJob>(j => j.WithIdentity(CampaignJob.Key));
            q.AddTrigger(t => t.ForJob(CampaignJob.Key).StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(5)).RepeatForever()));
            q.AddJob<RfmJob>(j => j.WithIdentity(RfmJob.Key));
            q.AddTrigger(t => t.ForJob(RfmJob.Key).WithCronSchedule("0 30 2 * * ?"));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
