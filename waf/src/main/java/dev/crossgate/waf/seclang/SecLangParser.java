package dev.crossgate.waf.seclang;

import dev.crossgate.waf.rule.EngineMode;
import dev.crossgate.waf.rule.Rule;
import dev.crossgate.waf.rule.RuleFactory;
import dev.crossgate.waf.rule.RuleSet;
import dev.crossgate.waf.rule.RuleSetBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads SecLang configuration (files, globs via {@code Include}, or inline text) into a
 * {@link RuleSetBuilder}. Any error names the file, the line and what was expected.
 */
public final class SecLangParser {

  /** Directives accepted and ignored: logging, storage and tuning knobs with no meaning here. */
  private static final Set<String> IGNORED = Set.of("secauditengine", "secauditlog", "secauditlogparts",
      "secauditlogrelevantstatus", "secauditlogtype", "secauditlogstoragedir", "secauditlogformat",
      "secauditlogfilemode", "secauditlogdirmode", "secdebuglog", "secdebugloglevel", "sectmpdir", "secdatadir",
      "secuploaddir", "secuploadkeepfiles", "secuploadfilemode", "secuploadfilelimit", "seccollectiontimeout",
      "secargumentseparator", "seccookieformat", "secunicodemapfile", "secstatusengine", "secpcrematchlimit",
      "secpcrematchlimitrecursion", "secrequestbodyinmemorylimit",
      "secresponsebodylimit", "secresponsebodylimitaction", "secresponsebodymimetype", "secresponsebodymimetypesclear",
      "sectmpsaveuploadedfiles", "secxmlexternalentity", "secwebappid", "secserversignature", "seccookiev0separator",
      "sechashengine", "sechashkey", "sechashparam", "sechashmethodrx", "sechashmethodpm", "secgeolookupdb",
      "secgsblookupdb", "secguardianlog", "secconnengine", "secreadstatelimit", "secwritestatelimit",
      "secsensorid", "secstreaminbodyinspection", "secstreamoutbodyinspection", "secdisablebackendcompression",
      "secinterceptonerror", "secconnreadstatelimit", "secconnwritestatelimit", "secchrootdir", "secremoterules",
      "secremoterulesfailaction", "secruleinheritance", "secrulescript", "secrequestbodyjsondepthlimit");

  private final RuleSetBuilder builder;
  private Rule pendingChain;

  /** Creates a parser that adds to {@code builder}. */
  public SecLangParser(RuleSetBuilder builder) {
    this.builder = builder;
  }

  /** Parses one file, or every file matching a glob such as {@code rules/*.conf} (sorted). */
  public SecLangParser include(Path pattern) {
    for (Path p : expand(pattern, "<include>", 0)) {
      parseFile(p);
    }
    return this;
  }

  /** Parses one configuration file. */
  public SecLangParser parseFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new SecLangException(file.toString(), 0, "cannot read file: " + e.getMessage(), e);
    }
    parse(text, file.toString(), file.toAbsolutePath().getParent());
    return this;
  }

  /** Parses configuration text; {@code baseDir} resolves Include and data files. */
  public SecLangParser parse(String text, String source, Path baseDir) {
    for (DirectiveLexer.Directive d : DirectiveLexer.lex(text, source)) {
      try {
        directive(d, source, baseDir);
      } catch (SecLangException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SecLangException(source, d.line(), d.name() + ": " + e.getMessage(), e);
      }
    }
    if (pendingChain != null) {
      throw new SecLangException(source, pendingChain.line(), "rule ends with 'chain' but no rule follows");
    }
    return this;
  }

  /** Convenience: freezes the builder. */
  public RuleSet build() {
    return builder.build();
  }

  private void directive(DirectiveLexer.Directive d, String source, Path baseDir) {
    String name = d.name().toLowerCase(Locale.ROOT);
    List<String> a = d.args();
    if (pendingChain != null && !name.equals("secrule")) {
      throw new SecLangException(source, d.line(), "expected a SecRule continuing the chain of "
          + pendingChain.chainStart().id() + ", found " + d.name());
    }
    switch (name) {
      case "secrule" -> {
        need(a, 2, 3, d, source, "SecRule VARIABLES \"OPERATOR\" \"ACTIONS\"");
        Rule r = RuleFactory.create(a.get(0), a.get(1), a.size() > 2 ? a.get(2) : "", pendingChain, baseDir,
            builder.defaults(), source, d.line());
        rule(r);
      }
      case "secaction" -> {
        need(a, 1, 1, d, source, "SecAction \"ACTIONS\"");
        rule(RuleFactory.create(null, null, a.get(0), null, baseDir, builder.defaults(), source, d.line()));
      }
      case "secmarker" -> {
        need(a, 1, 1, d, source, "SecMarker NAME");
        builder.add(RuleFactory.marker(a.get(0), source, d.line()));
      }
      case "secdefaultaction" -> {
        need(a, 1, 1, d, source, "SecDefaultAction \"phase:N,...\"");
        builder.defaultAction(a.get(0));
      }
      case "secruleengine" -> {
        need(a, 1, 1, d, source, "SecRuleEngine On|DetectionOnly|Off");
        builder.mode(switch (a.get(0).toLowerCase(Locale.ROOT)) {
          case "on" -> EngineMode.ON;
          case "detectiononly" -> EngineMode.DETECTION_ONLY;
          case "off" -> EngineMode.OFF;
          default -> throw new SecLangException(source, d.line(), "SecRuleEngine: expected On, DetectionOnly or Off, found " + a.get(0));
        });
      }
      case "secrequestbodyaccess" -> builder.requestBodyAccess(onOff(a, d, source));
      case "secresponsebodyaccess" -> builder.responseBodyAccess(onOff(a, d, source));
      case "secrequestbodylimit" -> builder.requestBodyLimit(number(a, d, source));
      case "secrequestbodylimitaction" -> {
        need(a, 1, 1, d, source, "SecRequestBodyLimitAction Reject|ProcessPartial");
        builder.requestBodyLimitRejects(switch (a.get(0).toLowerCase(Locale.ROOT)) {
          case "reject" -> true;
          case "processpartial" -> false;
          default -> throw new SecLangException(source, d.line(),
              "SecRequestBodyLimitAction: expected Reject or ProcessPartial, found " + a.get(0));
        });
      }
      case "secrequestbodynofileslimit" -> builder.requestBodyNoFilesLimit(number(a, d, source));
      case "secargumentslimit" -> builder.argumentsLimit((int) number(a, d, source));
      case "secruleremovebyid" -> builder.removeById(String.join(" ", a));
      case "secruleremovebytag" -> a.forEach(builder::removeByTag);
      case "secruleremovebymsg" -> a.forEach(builder::removeByMsg);
      case "secruleupdatetargetbyid" -> {
        need(a, 2, 3, d, source, "SecRuleUpdateTargetById ID \"TARGETS\"");
        builder.updateTargetById(a.get(0), a.get(1));
      }
      case "secruleupdatetargetbytag" -> {
        need(a, 2, 3, d, source, "SecRuleUpdateTargetByTag TAG \"TARGETS\"");
        builder.updateTargetByTag(a.get(0), a.get(1));
      }
      case "seccomponentsignature" -> {
        need(a, 1, 1, d, source, "SecComponentSignature \"text\"");
        builder.componentSignature(a.get(0));
      }
      case "include" -> {
        need(a, 1, 1, d, source, "Include PATH-OR-GLOB");
        Path p = Path.of(a.get(0));
        for (Path f : expand(p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p), source, d.line())) {
          parseFile(f);
        }
      }
      default -> {
        if (name.equals("secrequestbodyjsondepthlimit") && !a.isEmpty()) {
          builder.jsonDepthLimit((int) number(a, d, source));
        } else if (!IGNORED.contains(name)) {
          throw new SecLangException(source, d.line(), "unknown directive " + d.name());
        }
      }
    }
  }

  private void rule(Rule r) {
    if (pendingChain == null) {
      builder.add(r);
    }
    pendingChain = r.expectsChain() ? r : null;
  }

  private static void need(List<String> a, int min, int max, DirectiveLexer.Directive d, String source, String usage) {
    if (a.size() < min || a.size() > max) {
      throw new SecLangException(source, d.line(), "expected " + usage + ", found " + a.size() + " argument(s)");
    }
  }

  private static boolean onOff(List<String> a, DirectiveLexer.Directive d, String source) {
    need(a, 1, 1, d, source, d.name() + " On|Off");
    return switch (a.get(0).toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new SecLangException(source, d.line(), d.name() + ": expected On or Off, found " + a.get(0));
    };
  }

  private static long number(List<String> a, DirectiveLexer.Directive d, String source) {
    need(a, 1, 1, d, source, d.name() + " NUMBER");
    try {
      return Long.parseLong(a.get(0));
    } catch (NumberFormatException e) {
      throw new SecLangException(source, d.line(), d.name() + ": expected a number, found " + a.get(0));
    }
  }

  private static List<Path> expand(Path pattern, String source, int line) {
    String s = pattern.toString();
    if (!s.contains("*") && !s.contains("?") && !s.contains("[")) {
      if (!Files.isRegularFile(pattern)) {
        throw new SecLangException(source, line, "Include: no such file " + pattern);
      }
      return List.of(pattern);
    }
    Path dir = pattern.getParent();
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> m.matches(f.getFileName()) && Files.isRegularFile(f)).sorted().toList();
    } catch (IOException e) {
      throw new SecLangException(source, line, "Include: cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
