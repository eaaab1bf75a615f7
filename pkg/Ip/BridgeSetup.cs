using CniPlugins.Netlink;
using CniPlugins.Skel;
using CniPlugins.Sys;
using CniPlugins.Types;

namespace CniPlugins.Ip;

/// <summary>
/// The host-side Linux bridge of a bridge-style attachment (the bridge plugin, and the vxlan overlay on top of it):
/// created once, then found again by every later ADD.
/// </summary>
public static class BridgeSetup
{
    /// <summary>
    /// Ensures <paramref name="name"/> is an up bridge in <paramref name="host"/>'s namespace: created with
    /// <paramref name="mtu"/> and VLAN filtering when missing (both only apply at creation, as in the reference),
    /// promiscuous when asked, router advertisements ignored (the plugin owns its routes).
    /// </summary>
    public static Link Ensure(RtnlHandle host, string name, int mtu, bool promisc, bool vlanFiltering)
    {
        ValidateName(name);
        try
        {
            host.BridgeAdd(name, mtu, vlanFiltering);
        }
        catch (NetlinkException e) when (e.IsExists)
        {
            // Another container created it first, or it is not a bridge at all: the lookup below tells.
        }

        var bridge = GetBridge(host, name);
        if (promisc && !bridge.IsPromisc)
        {
            host.LinkSetPromisc(bridge.Index, true);
        }

        Sysctl.SetIfPresent($"net/ipv6/conf/{name}/accept_ra", "0");
        if (!bridge.IsUp)
        {
            host.LinkSetUp(bridge.Index);
        }

        return host.GetLinkByIndex(bridge.Index);
    }

    /// <summary>The bridge of that name; a clear error when it is missing or another kind of link.</summary>
    public static Link GetBridge(RtnlHandle host, string name)
    {
        var link = host.TryGetLinkByName(name)
            ?? throw new CniException(ErrorCode.Internal, $"could not lookup \"{name}\": link not found");
        if (link.Kind != "bridge")
        {
            throw CniException.InvalidConfig($"\"{name}\" already exists but is not a bridge",
                $"link \"{name}\" is of kind \"{link.Kind ?? "device"}\"; choose another \"bridge\" name");
        }

        return link;
    }

    /// <summary>
    /// Refuses what the kernel refuses for a link name, as the reference does. '+', '"', '\' and control characters
    /// other than whitespace make a valid link name; the firewall layer refuses them only where the name reaches a
    /// rule (isolation), so networks that never use the name in a rule keep working as with the reference.
    /// </summary>
    /// <param name="key">The config key that named the link, for the message.</param>
    public static void ValidateName(string name, string key = "bridge")
    {
        if (name.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(name) > Validation.MaxInterfaceNameLength)
        {
            throw CniException.InvalidConfig($"invalid {key} name \"{name}\"",
                $"a {key} name has 1 to {Validation.MaxInterfaceNameLength} characters");
        }

        foreach (char c in name)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c))
            {
                throw CniException.InvalidConfig($"invalid {key} name \"{name}\"", "no '/', ':' or whitespace");
            }
        }
    }
}
