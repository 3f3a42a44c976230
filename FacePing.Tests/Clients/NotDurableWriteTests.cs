using FacePing.Client;
using FacePing.Tests.Reliability;

namespace FacePing.Tests.Clients;

/// <summary>
/// A write the API applied but could not confirm on a replica (202 write-not-durable, a real primary whose one
/// replica is frozen): the client returns the created vector as the success it is and tells the caller what is not yet
/// promised, instead of throwing as if nothing had been written.
/// </summary>
public sealed class NotDurableWriteTests
{
    [Fact]
    public async Task An_applied_write_without_its_replica_returns_its_answer_and_is_reported()
    {
        var (primary, replica) = await RedisFailureKindsTests.PrimaryWithReplicaAsync();
        using var _ = primary;
        using var __ = replica;
        await using var api = RedisFailureKindsTests.ReplicaModeApi(primary);
        using var http = await api.CreateTenantClientAsync("client-not-durable");
        var reported = new List<NotDurableWrite>();
        var client = new FacePingClient(http, new FacePingClientOptions { OnWriteNotDurable = reported.Add });
        await client.Groups.CreateAsync("g");

        replica.Freeze();
        try
        {
            var created = await client.Vectors.StoreAsync("g", new float[] { 1, 1, 0 });

            var report = Assert.Single(reported);
            Assert.Equal("replica", report.Durability);
            Assert.Equal("POST", report.Method);
            Assert.Contains("applied", report.Detail);
            Assert.Equal(new[] { created.Id }, await client.Groups.ListVectorIdsAsync("g"));
        }
        finally
        {
            replica.Thaw();
        }
    }
}
