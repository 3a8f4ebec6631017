package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts 'pulldoctor completion SHELL' prints, loaded into the real shells: bash and zsh
 * (through its bashcompinit) call the script's completion function as the shell would on TAB, fish
 * answers {@code complete -C}. Each asserts what the user sees offered.
 */
@ExtendWith(ProcessLeakCheck.class)
class CompletionIT {
  private static final List<String> FORMATS =
      List.of("table", "json", "yaml", "markdown", "sarif", "junit", "html");

  @TempDir static Path dir;
  private static Path bash;
  private static Path zsh;
  private static Path fish;
  private static Path bashScript;
  private static Path fishScript;

  @BeforeAll
  static void scripts() throws IOException {
    bash = Binaries.require("bash");
    zsh = Binaries.require("zsh");
    fish = Binaries.require("fish");
    bashScript = script("bash");
    fishScript = script("fish");
    assertThat(Files.readString(script("zsh"))).isEqualTo(Files.readString(bashScript));
  }

  @Test
  void bash_completes_commands_rule_ids_and_option_values() throws Exception {
    assertThat(bash("pulldoctor", "exp")).containsExactly("explain");
    assertThat(bash("pulldoctor", "bundle", "cr")).containsExactly("create");
    assertThat(bash("pulldoctor", "explain", "pullsecret.r"))
        .containsExactly("pullsecret.registry-match");
    assertThat(bash("pulldoctor", "diagnose", "--fail-on", "")).containsExactly("fail", "warn");
    assertThat(bash("pulldoctor", "analyze", "--fail-on", "w")).containsExactly("warn");
    assertThat(bash("pulldoctor", "diagnose", "-o", "")).containsExactlyElementsOf(FORMATS);
    assertThat(bash("pulldoctor", "fix", "-o", "")).containsExactly("sh", "yaml", "values");
    assertThat(bash("pulldoctor", "diagnose", "--log-level", ""))
        .containsExactly("error", "warn", "info", "debug", "trace");
    assertThat(bash("pulldoctor", "completion", "")).containsExactly("bash", "zsh", "fish");
  }

  @Test
  void zsh_runs_the_same_script_through_bashcompinit() throws Exception {
    assertThat(zsh("pulldoctor", "exp")).containsExactly("explain");
    assertThat(zsh("pulldoctor", "explain", "pullsecret.r"))
        .containsExactly("pullsecret.registry-match");
    assertThat(zsh("pulldoctor", "diagnose", "--fail-on", "")).containsExactly("fail", "warn");
    assertThat(zsh("pulldoctor", "diagnose", "-o", "")).containsExactlyElementsOf(FORMATS);
  }

  @Test
  void fish_completes_commands_rule_ids_and_option_values() throws Exception {
    assertThat(fish("pulldoctor exp")).containsExactly("explain");
    assertThat(fish("pulldoctor bundle cr")).containsExactly("create");
    assertThat(fish("pulldoctor explain pullsecret.r"))
        .containsExactly("pullsecret.registry-match");
    assertThat(fish("pulldoctor diagnose --fail-on ")).containsExactly("fail", "warn");
    // fish sorts what it offers.
    assertThat(fish("pulldoctor diagnose -o ")).containsExactlyInAnyOrderElementsOf(FORMATS);
    assertThat(fish("pulldoctor fix --output="))
        .containsExactly("--output=sh", "--output=values", "--output=yaml");
    assertThat(fish("pulldoctor completion ")).containsExactly("bash", "fish", "zsh");
    // Each command offers its own options only: 'rules' has no --fail-on.
    assertThat(fish("pulldoctor rules --"))
        .containsExactlyInAnyOrder("--help", "--log-level", "--output", "--version");
    assertThat(fish("pulldoctor "))
        .containsExactlyInAnyOrder(
            "analyze",
            "bundle",
            "classify",
            "completion",
            "diagnose",
            "explain",
            "fix",
            "rules",
            "serve",
            "version");
  }

  private static Path script(String shell) throws IOException {
    CliRun run = CliRun.of("completion", shell);
    assertThat(run.exitCode()).as(run.err()).isZero();
    Path file = dir.resolve("pulldoctor." + shell);
    Files.writeString(file, run.out(), StandardCharsets.UTF_8);
    return file;
  }

  /** What bash offers when TAB is pressed after {@code words} (the last is being completed). */
  private static List<String> bash(String... words) throws Exception {
    String harness =
        """
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _complete_pulldoctor
        printf '%s\\n' "${COMPREPLY[@]}"
        """;
    return run(bash, harness, words);
  }

  /**
   * What zsh offers: bashcompinit's compgen calls the script's function as compsys would, then zsh
   * keeps the candidates that start with the word being completed (compadd's matching).
   */
  private static List<String> zsh(String... words) throws Exception {
    String harness =
        """
        autoload -U +X compinit && compinit -u -D
        source "$1"; shift
        words=("$@"); CURRENT=$#
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        compgen -F _complete_pulldoctor -- "${@[-1]}"
        """;
    String current = words[words.length - 1];
    return run(zsh, harness, words).stream().filter(w -> w.startsWith(current)).toList();
  }

  /** What fish offers for {@code commandLine}, without the descriptions. */
  private static List<String> fish(String commandLine) throws Exception {
    return run(fish, "source $argv[1]; complete -C $argv[2]", commandLine).stream()
        .map(line -> line.split("\t", 2)[0])
        .toList();
  }

  private static List<String> run(Path shell, String harness, String... words)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(shell.toString());
    command.add(shell.equals(fish) ? "--no-config" : "-f");
    if (shell.equals(bash)) {
      command.set(1, "--norc");
    }
    Path harnessFile = Files.createTempFile(dir, "harness", ".sh");
    Files.writeString(harnessFile, harness, StandardCharsets.UTF_8);
    command.add(harnessFile.toString());
    command.add((shell.equals(fish) ? fishScript : bashScript).toString());
    command.addAll(List.of(words));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(stderr).isZero();
    return Files.readString(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isEmpty()).toList();
  }
}
