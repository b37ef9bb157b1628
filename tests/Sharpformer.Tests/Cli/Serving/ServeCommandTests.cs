using System.Net;
using System.Net.Sockets;
using Sharpformer.Tests.IO;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>`sharpformer serve` as a process: a server that cannot start says why in one line and exits 1.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void A_missing_model_does_not_start_the_server_and_exits_1_with_one_line()
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "serve", "--model", "/no/such/model", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: cannot load model from /no/such/model", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void An_address_in_use_is_named_and_exits_1()
    {
        using var dir = new TemporaryDirectory();
        ServedModel.CreateModel().Save(dir.Path);
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        string url = $"http://127.0.0.1:{((IPEndPoint)occupant.LocalEndpoint).Port}";

        var (code, _, stderr) = SharpformerProcess.Run(null, "serve", "--model", dir.Path, "--urls", url);

        Assert.Equal(1, code);
        Assert.StartsWith($"error: cannot listen on {url}", stderr);
    }

    [Fact]
    public void A_batch_size_below_1_is_a_usage_error()
    {
        var (code, _, stderr) = SharpformerProcess.Run(null, "serve", "--model", "/no/such/model", "--max-batch", "0");
        Assert.Equal(2, code);
        Assert.Contains("--max-batch must be at least 1", stderr);
    }

    [Theory]
    [InlineData("--request-timeout", "0", "--request-timeout must be a positive number of seconds")]
    [InlineData("--request-headers-timeout", "-1", "--request-headers-timeout must be a positive number of seconds")]
    [InlineData("--min-request-body-rate", "0", "--min-request-body-rate must be positive")]
    public void A_limit_that_is_not_positive_exits_1_naming_the_option(string option, string value, string message)
    {
        var (code, stdout, stderr) = SharpformerProcess.Run(null, "serve", "--model", "/no/such/model", option, value);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
