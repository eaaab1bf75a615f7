using System.Net;

namespace CniPlugins.HostLocal.Backend;

/// <summary>
/// The reservation store the allocator works against (the reference's backend.Store). The caller holds the store
/// for one whole verb, under the store's lock.
/// </summary>
internal interface IStore
{
    /// <summary>Reserves <paramref name="ip"/> for the attachment; false if it is already taken.</summary>
    bool Reserve(string id, string ifName, IPAddress ip, int rangeId);

    /// <summary>The round-robin cursor of range set <paramref name="rangeId"/>, or null.</summary>
    IPAddress? LastReservedIp(int rangeId);

    /// <summary>Addresses held by the attachment, including legacy reservations that carry only the container ID.</summary>
    IReadOnlyList<IPAddress> GetById(string id, string ifName);

    /// <summary>Drops one reservation (rolling back a failed ADD).</summary>
    void Release(IPAddress ip);

    /// <summary>
    /// Releases every address of the attachment; if it has none, every legacy reservation of the container ID.
    /// Returns the released addresses.
    /// </summary>
    IReadOnlyList<IPAddress> ReleaseById(string id, string ifName);

    /// <summary>True when <paramref name="ip"/> is reserved for the attachment (or, legacy, for the container).</summary>
    bool IsReservedFor(IPAddress ip, string id, string ifName);
}
