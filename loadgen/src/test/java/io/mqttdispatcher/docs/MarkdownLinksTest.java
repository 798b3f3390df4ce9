package io.mqttdispatcher.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The link checker itself, on small samples, so that the repository check cannot pass vacuously.
 */
class MarkdownLinksTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Quick start | quick-start",
        "Balance: dispatcher against DNS round-robin | balance-dispatcher-against-dns-round-robin",
        "The paper's experiment | the-papers-experiment",
        "0x9C or 0x9D | 0x9c-or-0x9d",
        "`$SYS` figures | sys-figures",
        "Change-rate rule (`--min-change`) | change-rate-rule---min-change",
        "Proof runs with the jars: `loadgen rebalance` | proof-runs-with-the-jars-loadgen-rebalance",
        "Device listener transports: io_uring, epoll, NIO | device-listener-transports-io_uring-epoll-nio",
        "Against [HAProxy](https://haproxy.org) in front | against-haproxy-in-front",
        "Cost × 2 | cost--2",
      })
  void slug_follows_githubs_rules(String heading, String anchor) {
    assertThat(MarkdownLinks.slug(heading)).isEqualTo(anchor);
  }

  @Test
  void repeated_headings_get_numbered_anchors() {
    String text = "# Results\n## Run\n## Run\n## Run\n## Run-1\n";

    assertThat(MarkdownLinks.anchors(text))
        .containsExactlyInAnyOrder("results", "run", "run-1", "run-2", "run-1-1");
  }

  @Test
  void headings_and_links_inside_code_blocks_do_not_count() {
    String text = "```sh\n# not a heading\n[x](missing.md)\n```\n# Real\n";

    assertThat(MarkdownLinks.anchors(text)).containsExactly("real");
    assertThat(MarkdownLinks.links(Path.of("a.md"), text)).isEmpty();
  }

  @Test
  void reports_a_missing_file_and_a_missing_anchor_with_file_and_line(@TempDir Path root)
      throws Exception {
    // given: a page with two good links, a link to a file that does not exist, a link to a heading
    // that does not exist, links that are not ours to check, and a link in a code span
    Files.createDirectories(root.resolve("docs"));
    write(root.resolve("docs/other.md"), "# Other page\n\n## Some section\n");
    write(
        root.resolve("README.md"),
        String.join(
            "\n",
            "# Title",
            "",
            "See [the other page](docs/other.md#some-section) and [the title](#title).",
            "A [gone page](docs/gone.md) and",
            "a [wrong anchor](docs/other.md#no-such-section), split over",
            "two [lines of",
            "text](https://example.com/x.md) and [mail](mailto:a@example.com), `[code](nowhere.md)`.",
            ""));

    // when
    List<String> broken =
        MarkdownLinks.check(root, MarkdownLinks.markdownFiles(root)).stream()
            .map(b -> b.describe(root))
            .toList();

    // then
    assertThat(broken)
        .containsExactly(
            "README.md:4: docs/gone.md: no such file docs/gone.md",
            "README.md:5: docs/other.md#no-such-section: no heading with anchor #no-such-section"
                + " in docs/other.md");
  }

  @Test
  void resolves_links_relative_to_the_page_and_skips_build_output(@TempDir Path root)
      throws Exception {
    Files.createDirectories(root.resolve("docs"));
    Files.createDirectories(root.resolve("loadgen/target"));
    write(root.resolve("README.md"), "# Top\n");
    write(root.resolve("docs/a.md"), "[up](../README.md#top) [wrong](README.md#top)\n");
    write(root.resolve("loadgen/target/copied.md"), "[broken](nowhere.md)\n");

    List<String> broken =
        MarkdownLinks.check(root, MarkdownLinks.markdownFiles(root)).stream()
            .map(b -> b.describe(root))
            .toList();

    assertThat(broken).containsExactly("docs/a.md:1: README.md#top: no such file docs/README.md");
  }

  private static void write(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
