using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sharpformer.Tests.Cli.Serving;

/// <summary>
/// The attention explorer page in a real browser: headless Chromium loads it from the running server, submits a text
/// (the page's <c>?text=...&amp;autorun=1</c>), and the dumped DOM must hold the server's translation and one heatmap per
/// head plus the mean; a screenshot is saved next to the tests. Without Chromium the test fails, naming the fix.
/// </summary>
public sealed class ExplorerPageBrowserTests(ServedModel served) : IClassFixture<ServedModel>
{
    [Fact]
    public async Task The_page_translates_an_example_and_draws_a_heatmap_per_head()
    {
        string chromium = FindChromium();
        string text = ServedModel.Texts[0];
        var (_, api) = await served.PostAsync("/api/translate", new { text, beam = 2 });
        string expected = api.GetProperty("translations")[0].GetProperty("text").GetString()!;
        string screenshot = Path.Combine(AppContext.BaseDirectory, "serve-screenshot.png");
        File.Delete(screenshot);

        string dom = await RunChromiumAsync(chromium, screenshot, new Uri(served.Url, $"/?beam=2&autorun=1&text={Uri.EscapeDataString(text)}"));

        Assert.Contains("data-state=\"done\"", dom);
        var translation = Regex.Match(dom, "<div id=\"translation\" class=\"translation\">(.*?)</div>");
        Assert.True(translation.Success, "no translation element in the DOM");
        Assert.Equal(HtmlText(expected), translation.Groups[1].Value);
        var heads = Regex.Matches(dom, "<svg class=\"heatmap\"[^>]*data-head=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["mean", .. Enumerable.Range(0, ServedModel.Heads).Select(h => h.ToString())], heads);
        Assert.Contains("<rect x=", dom);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', $"{screenshot} is not a screenshot");
    }

    private static async Task<string> RunChromiumAsync(string chromium, string screenshot, Uri page)
    {
        string profile = Path.Combine(Path.GetTempPath(), "sharpformer-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile}",
                     "--virtual-time-budget=20000", "--window-size=1400,1000", $"--screenshot={screenshot}", "--dump-dom", page.ToString() })
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish within 90 s: {await stderr}");
            }
            Assert.True(process.ExitCode == 0, $"Chromium exited {process.ExitCode}: {await stderr}");
            return await stdout;
        }
        finally
        {
            if (Directory.Exists(profile)) Directory.Delete(profile, recursive: true);
        }
    }

    // Chromium from Debian is `chromium`; other distributions name it chromium-browser.
    private static string FindChromium()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin");
        var found = directories.SelectMany(d => new[] { "chromium", "chromium-browser" }.Select(n => Path.Combine(d, n))).FirstOrDefault(File.Exists);
        Assert.True(found is not null,
            "Chromium is not installed, so the attention explorer cannot be tested in a browser: run `apt-get install chromium fonts-noto-cjk` (.ci/run does this when it can).");
        return found!;
    }

    // How the DOM serialiser writes text: only &, < and > are escaped.
    private static string HtmlText(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
