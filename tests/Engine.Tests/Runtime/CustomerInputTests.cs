using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Tests.Runtime;

/// <summary>The <c>customer</c> input expressions see, built from a stored profile.</summary>
public sealed class CustomerInputTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Consent_is_what_the_customer_decided_and_otherwise_the_stores_rule()
    {
        var customer = new CustomerRecord { Id = "c-1", ConsentJson = """{"email":false,"sms":true}""" };

        var optOut = CustomerProfile.ToInput(customer, Now, counter: null, "UTC").Consent;
        var optIn = CustomerProfile.ToInput(customer, Now, counter: null, "UTC", requireOptIn: true).Consent;

        Assert.Equal((false, true, true), (optOut.Email, optOut.Sms, optOut.Chat));
        Assert.Equal((false, true, false), (optIn.Email, optIn.Sms, optIn.Chat));
        var undecided = new CustomerRecord { Id = "c-2" };
        Assert.True(CustomerProfile.ToInput(undecided, Now, counter: null, "UTC").Consent.Push);
        Assert.False(CustomerProfile.ToInput(undecided, Now, counter: null, "UTC", requireOptIn: true).Consent.Push);
    }

    [Fact]
    public void A_changed_profile_gives_an_input_with_the_change()
    {
        var customer = new CustomerRecord { Id = "c-1", AttributesJson = """{"country":"VN"}""" };
        Assert.Equal("VN", CustomerProfile.ToInput(customer, Now, counter: null, "UTC").Attributes["country"]);
        Assert.True(CustomerProfile.ToInput(customer, Now, counter: null, "UTC").Consent.Email);

        customer.AttributesJson = """{"country":"GB"}""";
        customer.ConsentJson = """{"email":false}""";

        var input = CustomerProfile.ToInput(customer, Now, counter: null, "UTC");
        Assert.Equal("GB", input.Attributes["country"]);
        Assert.False(input.Consent.Email);
    }
}
