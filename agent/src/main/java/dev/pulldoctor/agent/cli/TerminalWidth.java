package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.render.RenderOptions;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The width the table wraps to: {@code COLUMNS} when set (as scripts and CI set it), else the
 * terminal's own width when stdout is one (shells do not export {@code COLUMNS}, so it is asked of
 * {@code stty}), else {@value RenderOptions#DEFAULT_WIDTH}.
 */
final class TerminalWidth {
  private TerminalWidth() {}

  static int columns() {
    String columns = System.getenv("COLUMNS");
    if (columns != null) {
      try {
        return Integer.parseInt(columns.strip());
      } catch (NumberFormatException e) {
        return RenderOptions.DEFAULT_WIDTH;
      }
    }
    return SnapshotInput.interactive() ? askStty() : RenderOptions.DEFAULT_WIDTH;
  }

  /** {@code stty size} prints "rows columns" for the terminal on its stdin. */
  private static int askStty() {
    File tty = new File("/dev/tty");
    if (!tty.canRead()) {
      return RenderOptions.DEFAULT_WIDTH;
    }
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(tty)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!stty.waitFor(1, TimeUnit.SECONDS)) {
        stty.destroyForcibly();
        return RenderOptions.DEFAULT_WIDTH;
      }
      String[] size =
          new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
              .strip()
              .split(" ", -1);
      return size.length == 2 ? Integer.parseInt(size[1]) : RenderOptions.DEFAULT_WIDTH;
    } catch (IOException | NumberFormatException e) {
      return RenderOptions.DEFAULT_WIDTH;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RenderOptions.DEFAULT_WIDTH;
    }
  }
}
