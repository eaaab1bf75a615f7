using CniPlugins.Fs;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>
/// When a directory's ctime may be trusted to show every later change: the rule with given clocks, and on this
/// machine's own filesystem that whenever it says so, a change right after (the same clock tick) moved the ctime.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ChangeTimeTests : IDisposable
{
    private const long Second = 1_000_000_000L;
    private readonly string _dir = Directory.CreateTempSubdirectory("cnit-ctime-").FullName;

    [Theory]
    [InlineData(1_796_000_000_123_456_789L, 1L)]
    [InlineData(1_796_000_000_123_456_700L, 100L)]
    [InlineData(1_796_000_000_120_000_000L, 10_000_000L)]
    [InlineData(1_796_000_000_000_000_000L, Second)]
    public void The_grain_is_the_largest_power_of_ten_dividing_the_nanoseconds(long ctime, long grain)
    {
        Assert.Equal(grain, ChangeTime.Grain(ctime));
    }

    [Fact]
    public void Without_multigrain_a_ctime_is_settled_only_once_the_coarse_clock_is_a_grain_past_it()
    {
        long ctime = 1_796_000_000_123_456_789L; // a tick's start, nanosecond grain
        Assert.False(ChangeTime.Settled(ctime, coarseNowNs: ctime, multigrain: false)); // same tick: racy
        Assert.False(ChangeTime.Settled(ctime, coarseNowNs: ctime - 4_000_000, multigrain: false));
        Assert.True(ChangeTime.Settled(ctime, coarseNowNs: ctime + 4_000_000, multigrain: false)); // next tick

        long whole = 1_796_000_000_000_000_000L; // a filesystem that stamps whole seconds
        Assert.False(ChangeTime.Settled(whole, coarseNowNs: whole + (Second / 2), multigrain: false));
        Assert.True(ChangeTime.Settled(whole, coarseNowNs: whole + Second, multigrain: false));
    }

    [Fact]
    public void With_multigrain_a_ctime_of_nanosecond_grain_is_settled_at_once_but_whole_seconds_are_not()
    {
        long ctime = 1_796_000_000_123_456_789L;
        Assert.True(ChangeTime.Settled(ctime, coarseNowNs: ctime, multigrain: true));

        // Multigrain truncated to whole seconds (ext4 with 128-byte inodes) gives the same second again.
        long whole = 1_796_000_000_000_000_000L;
        Assert.False(ChangeTime.Settled(whole, coarseNowNs: whole, multigrain: true));
    }

    [Fact]
    public void Whenever_a_ctime_is_judged_settled_a_change_right_after_moves_it()
    {
        using var dir = StoreDirectory.Open(_dir);
        int settled = 0;
        for (int i = 0; i < 2000; i++)
        {
            long before = dir.Stamp().CtimeNs;
            bool trusted = dir.ChangeTimeSettled(before);
            using (dir.Prepare("x", 0b110_100_100, ".scratch"))
            {
            }

            File.Create(Path.Join(_dir, "f")).Dispose();
            File.Delete(Path.Join(_dir, "f"));
            long after = dir.Stamp().CtimeNs;
            if (trusted)
            {
                settled++;
                Assert.True(after != before, $"round {i}: ctime {before} judged settled, and a change left it as it was");
            }
        }

        // Not vacuous: on this filesystem the rule trusts the ctime at least sometimes (always, with multigrain).
        Assert.True(settled > 0, "no ctime was ever judged settled");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
