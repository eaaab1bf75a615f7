using CniPlugins.Netlink;

namespace CniPlugins.Ip;

/// <summary>A freshly enslaved bridge port takes a moment to forward; the reference polls before returning.</summary>
public static class PortWait
{
    private static readonly int[] s_sleepsMs = [0, 50, 500, 1000, 1000];

    /// <summary>Waits until the link reports operstate UP; returns it as then seen.</summary>
    public static Link UntilUp(RtnlHandle rtnl, int index, string name)
    {
        Link link = rtnl.GetLinkByIndex(index);
        foreach (int ms in s_sleepsMs)
        {
            if (ms > 0)
            {
                Thread.Sleep(ms);
            }

            link = rtnl.GetLinkByIndex(index);
            if (link.OperState == Rtnl.IF_OPER_UP)
            {
                return link;
            }
        }

        throw new IOException($"bridge port in error state: {name} operstate {link.OperState}");
    }
}
