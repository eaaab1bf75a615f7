using CniPlugins.Types;

namespace CniPlugins.HostLocal;

/// <summary>The resolvConf option: a host resolv.conf read into the result's dns (the reference's parseResolvConf).</summary>
internal static class ResolvConf
{
    public static Dns Parse(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(ErrorCode.IoFailure, $"failed to read resolvConf \"{path}\": {e.Message}", inner: e);
        }

        var dns = new Dns();
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            string[] fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
            {
                continue;
            }

            switch (fields[0])
            {
                case "nameserver":
                    (dns.Nameservers ??= []).Add(fields[1]);
                    break;
                case "domain":
                    dns.Domain = fields[1];
                    break;
                case "search":
                    (dns.Search ??= []).AddRange(fields[1..]);
                    break;
                case "options":
                    (dns.Options ??= []).AddRange(fields[1..]);
                    break;
            }
        }

        return dns;
    }
}
