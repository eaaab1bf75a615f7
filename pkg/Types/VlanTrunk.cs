using System.Text.Json;

namespace CniPlugins.Types;

/// <summary>One entry of <c>vlanTrunk</c>: a single <c>id</c> or a <c>minID</c>..<c>maxID</c> range.</summary>
public sealed class VlanTrunk
{
    public int? MinId { get; set; }

    public int? MaxId { get; set; }

    public int? Id { get; set; }

    public static VlanTrunk Read(ref Utf8JsonReader r)
    {
        var t = new VlanTrunk();
        JsonRead.Object(ref r, "a vlanTrunk entry");
        while (JsonRead.NextProperty(ref r, out string key))
        {
            switch (key.ToLowerInvariant())
            {
                case "minid": t.MinId = JsonRead.Int(ref r, key) ?? t.MinId; break;
                case "maxid": t.MaxId = JsonRead.Int(ref r, key) ?? t.MaxId; break;
                case "id": t.Id = JsonRead.Int(ref r, key) ?? t.Id; break;
                default: r.Skip(); break;
            }
        }

        return t;
    }

    /// <summary>The distinct VLAN IDs the entries name, sorted; errors as the reference's collectVlanTrunk.</summary>
    public static List<int> Collect(List<VlanTrunk>? trunk)
    {
        var vlans = new SortedSet<int>();
        foreach (var item in trunk ?? [])
        {
            switch (item.MinId, item.MaxId)
            {
                case (int min, int max):
                    if (min <= 0 || min > 4094)
                    {
                        throw CniException.InvalidConfig("incorrect trunk minID parameter");
                    }

                    if (max <= 0 || max > 4094)
                    {
                        throw CniException.InvalidConfig("incorrect trunk maxID parameter");
                    }

                    if (max < min)
                    {
                        throw CniException.InvalidConfig("minID is greater than maxID in trunk parameter");
                    }

                    for (int v = min; v <= max; v++)
                    {
                        vlans.Add(v);
                    }

                    break;
                case (null, int):
                    throw CniException.InvalidConfig("minID and maxID should be configured simultaneously, minID is missing");
                case (int, null):
                    throw CniException.InvalidConfig("minID and maxID should be configured simultaneously, maxID is missing");
            }

            if (item.Id is int id)
            {
                if (id <= 0 || id > 4094)
                {
                    throw CniException.InvalidConfig("incorrect trunk id parameter");
                }

                vlans.Add(id);
            }
        }

        return [.. vlans];
    }
}
