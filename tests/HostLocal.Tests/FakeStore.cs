using System.Net;
using CniPlugins.HostLocal.Backend;

namespace CniPlugins.HostLocal.Tests;

/// <summary>The store in memory, as the reference's testing/fake_store.go: address → "id\r\nifname" (or a legacy bare id).</summary>
internal sealed class FakeStore : IStore
{
    public Dictionary<IPAddress, string> Reserved { get; } = [];

    public Dictionary<int, IPAddress> LastReserved { get; } = [];

    public bool Reserve(string id, string ifName, IPAddress ip, int rangeId)
    {
        if (!Reserved.TryAdd(ip, id + "\r\n" + ifName))
        {
            return false;
        }

        LastReserved[rangeId] = ip;
        return true;
    }

    public IPAddress? LastReservedIp(int rangeId) => LastReserved.GetValueOrDefault(rangeId);

    public IReadOnlyList<IPAddress> GetById(string id, string ifName) =>
        Reserved.Where(kv => kv.Value == id + "\r\n" + ifName || kv.Value == id).Select(kv => kv.Key).ToList();

    public void Release(IPAddress ip) => Reserved.Remove(ip);

    public IReadOnlyList<IPAddress> ReleaseById(string id, string ifName)
    {
        var ips = Reserved.Where(kv => kv.Value == id + "\r\n" + ifName).Select(kv => kv.Key).ToList();
        if (ips.Count == 0)
        {
            ips = Reserved.Where(kv => kv.Value == id).Select(kv => kv.Key).ToList();
        }

        ips.ForEach(ip => Reserved.Remove(ip));
        return ips;
    }

    public bool IsReservedFor(IPAddress ip, string id, string ifName) =>
        Reserved.TryGetValue(ip, out string? v) && (v == id + "\r\n" + ifName || v == id);
}
