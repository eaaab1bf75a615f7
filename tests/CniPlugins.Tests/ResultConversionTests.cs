using System.Net;
using CniPlugins.Types;
using Dns = CniPlugins.Types.Dns;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>The conversion matrix of results between spec versions, checked against the reference library's rules.</summary>
public sealed class ResultConversionTests
{
    private static Result Sample() => new()
    {
        Interfaces =
        [
            new Interface { Name = "cni0", Mac = "aa:bb:cc:dd:ee:01" },
            new Interface { Name = "eth0", Mac = "aa:bb:cc:dd:ee:02", Sandbox = "/run/netns/x", Mtu = 1400, PciId = "0000:00:01.0" },
        ],
        Ips =
        [
            new IPConfig { Interface = 1, Address = CidrAddress.Parse("10.1.0.5/16"), Gateway = IPAddress.Parse("10.1.0.1") },
            new IPConfig { Interface = 1, Address = CidrAddress.Parse("10.2.0.5/16") },
            new IPConfig { Interface = 1, Address = CidrAddress.Parse("fd00::5/64"), Gateway = IPAddress.Parse("fd00::1") },
        ],
        Routes =
        [
            new Route { Dst = CidrAddress.Parse("0.0.0.0/0"), Gw = IPAddress.Parse("10.1.0.1") },
            new Route { Dst = CidrAddress.Parse("::/0") },
            new Route { Dst = CidrAddress.Parse("10.9.0.0/16"), Mtu = 1300, AdvMss = 1200, Priority = 5, Table = 100, Scope = 0 },
        ],
        Dns = new Dns { Nameservers = ["10.1.0.53"], Domain = "example", Search = ["a.example"], Options = ["ndots:2"] },
    };

    private static string Text(Result r, string version) => System.Text.Encoding.UTF8.GetString(ResultJson.Serialize(r, version));

    [Fact]
    public void Newest_shape_keeps_every_field_in_the_reference_order()
    {
        Assert.Equal("""
            {
                "cniVersion": "1.1.0",
                "interfaces": [
                    {
                        "name": "cni0",
                        "mac": "aa:bb:cc:dd:ee:01"
                    },
                    {
                        "name": "eth0",
                        "mac": "aa:bb:cc:dd:ee:02",
                        "mtu": 1400,
                        "sandbox": "/run/netns/x",
                        "pciID": "0000:00:01.0"
                    }
                ],
                "ips": [
                    {
                        "interface": 1,
                        "address": "10.1.0.5/16",
                        "gateway": "10.1.0.1"
                    },
                    {
                        "interface": 1,
                        "address": "10.2.0.5/16"
                    },
                    {
                        "interface": 1,
                        "address": "fd00::5/64",
                        "gateway": "fd00::1"
                    }
                ],
                "routes": [
                    {
                        "dst": "0.0.0.0/0",
                        "gw": "10.1.0.1"
                    },
                    {
                        "dst": "::/0"
                    },
                    {
                        "dst": "10.9.0.0/16",
                        "mtu": 1300,
                        "advmss": 1200,
                        "priority": 5,
                        "table": 100,
                        "scope": 0
                    }
                ],
                "dns": {
                    "nameservers": [
                        "10.1.0.53"
                    ],
                    "domain": "example",
                    "search": [
                        "a.example"
                    ],
                    "options": [
                        "ndots:2"
                    ]
                }
            }
            """.ReplaceLineEndings("\n"), Text(Sample(), "1.1.0"));
    }

    [Theory]
    [InlineData("0.3.0")]
    [InlineData("0.3.1")]
    [InlineData("0.4.0")]
    public void To_0_4_adds_version_and_drops_newer_interface_fields(string version)
    {
        string text = Text(Sample(), version);
        Assert.StartsWith($"{{\n    \"cniVersion\": \"{version}\",", text);
        Assert.Contains("""
                    {
                        "version": "4",
                        "interface": 1,
                        "address": "10.1.0.5/16",
                        "gateway": "10.1.0.1"
                    },
            """.ReplaceLineEndings("\n"), text);
        Assert.Contains("\"version\": \"6\"", text);
        Assert.DoesNotContain("mtu\": 1400", text);
        Assert.DoesNotContain("pciID", text);
        Assert.Contains("\"advmss\": 1200", text); // routes are the shared type and keep their fields
    }

    [Theory]
    [InlineData("0.1.0")]
    [InlineData("0.2.0")]
    public void To_0_2_keeps_the_first_address_of_each_family_and_routes_by_family(string version)
    {
        Assert.Equal($$"""
            {
                "cniVersion": "{{version}}",
                "ip4": {
                    "ip": "10.1.0.5/16",
                    "gateway": "10.1.0.1",
                    "routes": [
                        {
                            "dst": "0.0.0.0/0",
                            "gw": "10.1.0.1"
                        },
                        {
                            "dst": "10.9.0.0/16"
                        }
                    ]
                },
                "ip6": {
                    "ip": "fd00::5/64",
                    "gateway": "fd00::1",
                    "routes": [
                        {
                            "dst": "::/0"
                        }
                    ]
                },
                "dns": {
                    "nameservers": [
                        "10.1.0.53"
                    ],
                    "domain": "example",
                    "search": [
                        "a.example"
                    ],
                    "options": [
                        "ndots:2"
                    ]
                }
            }
            """.ReplaceLineEndings("\n"), Text(Sample(), version));
    }

    [Fact]
    public void To_0_2_without_addresses_is_an_error()
    {
        var e = Assert.Throws<CniException>(() => ResultJson.Serialize(new Result { Interfaces = [new Interface { Name = "eth0" }] }, "0.2.0"));
        Assert.Equal("cannot convert: no valid IP addresses", e.Message);
    }

    [Fact]
    public void Empty_dns_and_empty_lists_are_left_out()
    {
        var r = new Result { Ips = [new IPConfig { Address = CidrAddress.Parse("10.0.0.2/24") }], Routes = [], Dns = new Dns() };
        Assert.Equal("{\n    \"cniVersion\": \"1.0.0\",\n    \"ips\": [\n        {\n            \"address\": \"10.0.0.2/24\"\n        }\n    ]\n}", Text(r, "1.0.0"));
    }

    private static readonly string[] s_versions = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    /// <summary>
    /// What survives each from→to conversion, as in the reference, written out per pair: L = the 0.1/0.2 shape
    /// was on the way (first address per family only, no interfaces, routes without mtu); F = a 0.3/0.4 shape was
    /// (every address and interface, but no interface mtu); N = 1.x throughout (interface mtu kept too).
    /// </summary>
    private static readonly string[] s_matrix =
    [
        // to: 0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0
        /* 0.1.0 */ "L L L L L L L",
        /* 0.2.0 */ "L L L L L L L",
        /* 0.3.0 */ "L L F F F F F",
        /* 0.3.1 */ "L L F F F F F",
        /* 0.4.0 */ "L L F F F F F",
        /* 1.0.0 */ "L L F F F N N",
        /* 1.1.0 */ "L L F F F N N",
    ];

    public static TheoryData<string, string, char> Pairs()
    {
        var data = new TheoryData<string, string, char>();
        for (int i = 0; i < s_versions.Length; i++)
        {
            string[] row = s_matrix[i].Split(' ');
            for (int j = 0; j < s_versions.Length; j++)
            {
                data.Add(s_versions[i], s_versions[j], row[j][0]);
            }
        }

        return data;
    }

    [Fact]
    public void The_matrix_covers_every_supported_version()
    {
        Assert.Equal(s_versions, CniVersion.All);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_version_pair_converts_like_the_reference(string from, string to, char shape)
    {
        var parsed = ResultJson.Parse(ResultJson.Serialize(Sample(), from), from);
        var converted = ResultJson.Parse(ResultJson.Serialize(parsed, to), to);

        string[] expectIps = shape == 'L' ? ["10.1.0.5/16", "fd00::5/64"] : ["10.1.0.5/16", "10.2.0.5/16", "fd00::5/64"];
        Assert.Equal(expectIps, converted.Ips!.Select(i => i.Address.ToString()));
        Assert.Equal("10.1.0.1", converted.Ips![0].Gateway?.ToString());
        Assert.Equal(shape == 'L' ? null : 2, converted.Interfaces?.Count);
        Assert.Equal(shape == 'N' ? 1400 : 0, converted.Interfaces?.ElementAtOrDefault(1)?.Mtu ?? 0);
        Assert.Equal(3, converted.Routes!.Count);
        Assert.Equal(shape == 'L' ? 0 : 1300, converted.Routes.Single(r => r.Dst.ToString() == "10.9.0.0/16").Mtu);
        Assert.Equal("example", converted.Dns?.Domain);
    }

    [Fact]
    public void Prev_result_in_the_0_2_shape_is_read_into_the_list_shape()
    {
        var r = ResultJson.Parse("""{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24","gateway":"10.0.0.1","routes":[{"dst":"0.0.0.0/0"}]},"ip6":{"ip":"fd00::2/64"}}"""u8, "0.2.0");
        Assert.Equal(["10.0.0.2/24", "fd00::2/64"], r.Ips!.Select(i => i.Address.ToString()));
        Assert.Null(r.Ips![0].Interface);
        Assert.Equal("0.0.0.0/0", r.Routes!.Single().Dst.ToString());
    }

    [Fact]
    public void A_malformed_address_is_a_decoding_error()
    {
        var e = Assert.Throws<CniException>(() => ResultJson.Parse("""{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.300/24"}]}"""u8, "1.0.0"));
        Assert.Equal(ErrorCode.DecodingFailure, e.Code);
    }
}
