using CniPlugins.Skel;
using Xunit;

namespace CniPlugins.Tests;

/// <summary>The ADD transaction's undo list: newest first, nothing after Commit, a failing undo logged and passed over.</summary>
public sealed class RollbackTests
{
    [Fact]
    public void Undoes_run_newest_first_when_not_committed()
    {
        var ran = new List<string>();
        using (var rollback = new Rollback("test", _ => { }))
        {
            rollback.Add("first", () => ran.Add("first"));
            rollback.Add("second", () => ran.Add("second"));
            rollback.Add("third", () => ran.Add("third"));
        }

        Assert.Equal(["third", "second", "first"], ran);
    }

    [Fact]
    public void Nothing_is_undone_after_commit()
    {
        var ran = new List<string>();
        using (var rollback = new Rollback("test", _ => { }))
        {
            rollback.Add("first", () => ran.Add("first"));
            rollback.Commit();
        }

        Assert.Empty(ran);
    }

    [Fact]
    public void A_failing_undo_is_logged_and_the_rest_still_run()
    {
        var ran = new List<string>();
        var log = new List<string>();
        using (var rollback = new Rollback("test", log.Add))
        {
            rollback.Add("first", () => ran.Add("first"));
            rollback.Add("delete eth0", () => throw new IOException("link busy"));
            rollback.Add("third", () => ran.Add("third"));
        }

        Assert.Equal(["third", "first"], ran);
        Assert.Equal(["rollback: delete eth0 failed: link busy"], log);
    }

    [Fact]
    public void The_error_that_caused_the_rollback_is_the_one_thrown()
    {
        var log = new List<string>();
        Action add = () =>
        {
            using var rollback = new Rollback("test", log.Add);
            rollback.Add("release 10.0.0.2", () => throw new IOException("read-only store"));
            throw new InvalidOperationException("IPAM failed");
        };

        var e = Assert.Throws<InvalidOperationException>(add);

        Assert.Equal("IPAM failed", e.Message);
        Assert.Equal(["rollback: release 10.0.0.2 failed: read-only store"], log);
    }
}
