package dev.elbow.dataplane.routing;

import dev.elbow.snapshot.Cidr;
import dev.elbow.snapshot.HttpRule;
import dev.elbow.snapshot.HttpRule.Match;
import dev.elbow.snapshot.HttpRule.PathType;
import dev.elbow.snapshot.HttpRule.ValueMatch;
import dev.elbow.snapshot.HttpRule.ValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A listener's forwarding rules, compiled once per snapshot: which target a request goes to.
 *
 * <p>The host picks one set of rules, as Gateway API's listeners and Envoy's virtual hosts do: the
 * rules that name it exactly, else those of the longest wildcard that covers it, else the rules
 * that name no host. Within the set, matches are tried in Gateway API's precedence ({@link
 * HttpRule#precedes}) and the first that matches wins; a request none matches is the listener's
 * default (null here). Routing allocates nothing: host names are looked up without building a
 * string, and regular expressions reuse one matcher per thread. Weighted rules follow a smooth
 * weighted round robin ({@link Targets}).
 *
 * @param <T> what a rule forwards to (a group)
 */
public final class HttpRouter<T> {

  private final Map<String, Entry<T>[]> exactHosts;
  private final String[] wildcardSuffixes; // ".example.com", longest first
  private final List<Entry<T>[]> wildcardEntries;
  private final Entry<T>[] anyHost;
  private final HostTable<Entry<T>[]> hostTable;

  private HttpRouter(
      Map<String, Entry<T>[]> exactHosts,
      String[] wildcardSuffixes,
      List<Entry<T>[]> wildcardEntries,
      Entry<T>[] anyHost) {
    this.exactHosts = exactHosts;
    this.wildcardSuffixes = wildcardSuffixes;
    this.wildcardEntries = wildcardEntries;
    this.anyHost = anyHost;
    this.hostTable = new HostTable<>(exactHosts);
  }

  /** Compiles valid rules that forward (see {@link HttpRule#problems}). */
  public static <T> HttpRouter<T> compile(List<HttpRule> rules, Function<String, T> target) {
    return compile(rules, target, rule -> null);
  }

  /**
   * Compiles valid rules (see {@link HttpRule#problems}).
   *
   * @param target what a group name stands for; a rule's group it returns null for takes nothing
   * @param answer what a rule that redirects or answers itself stands for
   */
  public static <T> HttpRouter<T> compile(
      List<HttpRule> rules, Function<String, T> target, Function<HttpRule, T> answer) {
    return compile(rules, (rule, group) -> target.apply(group), answer);
  }

  /**
   * Compiles valid rules (see {@link HttpRule#problems}).
   *
   * @param target what a group name stands for in a rule (its header changes, say); null takes
   *     nothing
   * @param answer what a rule that redirects or answers itself stands for
   */
  public static <T> HttpRouter<T> compile(
      List<HttpRule> rules,
      java.util.function.BiFunction<HttpRule, String, T> target,
      Function<HttpRule, T> answer) {
    Map<String, List<Entry<T>>> exact = new LinkedHashMap<>();
    Map<String, List<Entry<T>>> wildcard = new HashMap<>();
    List<Entry<T>> any = new ArrayList<>();
    for (int r = 0; r < rules.size(); r++) {
      HttpRule rule = rules.get(r);
      Targets<T> targets =
          rule.forwardTo().isEmpty()
              ? Targets.single(answer.apply(rule))
              : Targets.of(rule, target);
      List<Match> matches =
          rule.matches().isEmpty() ? List.of(Match.path(null, "/")) : rule.matches();
      List<Entry<T>> entries = new ArrayList<>();
      for (Match match : matches) {
        entries.add(new Entry<>(match, r, CompiledMatch.of(match), targets));
      }
      if (rule.hostnames().isEmpty()) {
        any.addAll(entries);
      }
      for (String host : rule.hostnames()) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("*.")) {
          wildcard.computeIfAbsent(name.substring(1), k -> new ArrayList<>()).addAll(entries);
        } else {
          exact.computeIfAbsent(name, k -> new ArrayList<>()).addAll(entries);
        }
      }
    }
    Map<String, Entry<T>[]> exactHosts = new HashMap<>();
    exact.forEach((host, entries) -> exactHosts.put(host, ordered(entries)));
    String[] suffixes =
        wildcard.keySet().stream()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toArray(String[]::new);
    List<Entry<T>[]> wildcardEntries = new ArrayList<>();
    for (String suffix : suffixes) {
      wildcardEntries.add(ordered(wildcard.get(suffix)));
    }
    return new HttpRouter<>(exactHosts, suffixes, wildcardEntries, ordered(any));
  }

  @SuppressWarnings("unchecked")
  private static <T> Entry<T>[] ordered(List<Entry<T>> entries) {
    List<Entry<T>> sorted = new ArrayList<>(entries);
    sorted.sort(
        (a, b) -> {
          int byMatch = HttpRule.precedes(a.match, b.match);
          return byMatch != 0 ? byMatch : Integer.compare(a.rule, b.rule);
        });
    return sorted.toArray(new Entry[0]);
  }

  /** Where the request goes, or null for the listener's default group. */
  public T route(HttpRequestView request) {
    Entry<T>[] entries = rulesFor(request.host());
    for (Entry<T> entry : entries) {
      if (entry.compiled.matches(request)) {
        return entry.targets.pick();
      }
    }
    return null;
  }

  private Entry<T>[] rulesFor(CharSequence host) {
    if (host == null) {
      return anyHost;
    }
    Entry<T>[] exact = hostTable.get(host);
    if (exact != null) {
      return exact;
    }
    for (int i = 0; i < wildcardSuffixes.length; i++) {
      String suffix = wildcardSuffixes[i];
      if (host.length() > suffix.length() && Chars.endsWithIgnoreCase(host, suffix)) {
        return wildcardEntries.get(i);
      }
    }
    return anyHost;
  }

  /** How many host names have rules of their own: for the start-up log and tests. */
  public int exactHostCount() {
    return exactHosts.size();
  }

  /** One reusable view per thread for the query parameter value being tested. */
  private static final ThreadLocal<Chars.Slice> SLICES = ThreadLocal.withInitial(Chars.Slice::new);

  private record Entry<T>(Match match, int rule, CompiledMatch compiled, Targets<T> targets) {}

  /**
   * A rule's groups and their weights. Up to {@link #SCHEDULED_WEIGHT} in all, requests follow a
   * smooth weighted round robin worked out once (NGINX's: 90/10 sends the tenth request of every
   * ten to the second group, never ten in a row), so a split is exact over any run of requests;
   * above it, each request draws at random in proportion.
   */
  private static final class Targets<T> {
    static final int SCHEDULED_WEIGHT = 10_000;

    private final Object[] targets;
    private final int[] cumulative;
    private final int[] schedule;
    private final java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();

    private Targets(Object[] targets, int[] weights) {
      this.targets = targets;
      this.cumulative = new int[weights.length];
      int total = 0;
      for (int i = 0; i < weights.length; i++) {
        total += weights[i];
        cumulative[i] = total;
      }
      this.schedule =
          targets.length > 1 && total <= SCHEDULED_WEIGHT ? smooth(weights, total) : null;
    }

    static <T> Targets<T> single(T target) {
      return new Targets<>(target == null ? new Object[0] : new Object[] {target}, new int[] {1});
    }

    static <T> Targets<T> of(
        HttpRule rule, java.util.function.BiFunction<HttpRule, String, T> target) {
      List<Object> kept = new ArrayList<>();
      List<Integer> weights = new ArrayList<>();
      for (HttpRule.WeightedGroup group : rule.forwardTo()) {
        T t = target.apply(rule, group.group());
        if (t != null && group.weight() > 0) {
          kept.add(t);
          weights.add(group.weight());
        }
      }
      return new Targets<>(kept.toArray(), weights.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] smooth(int[] weights, int total) {
      int[] schedule = new int[total];
      int[] current = new int[weights.length];
      for (int n = 0; n < total; n++) {
        int best = 0;
        for (int i = 0; i < weights.length; i++) {
          current[i] += weights[i];
          if (current[i] > current[best]) {
            best = i;
          }
        }
        current[best] -= total;
        schedule[n] = best;
      }
      return schedule;
    }

    @SuppressWarnings("unchecked")
    T pick() {
      if (targets.length <= 1) {
        return targets.length == 0 ? null : (T) targets[0];
      }
      if (schedule != null) {
        int turn = next.getAndIncrement() & Integer.MAX_VALUE;
        return (T) targets[schedule[turn % schedule.length]];
      }
      int ticket = ThreadLocalRandom.current().nextInt(cumulative[cumulative.length - 1]);
      int i = 0;
      while (cumulative[i] <= ticket) {
        i++;
      }
      return (T) targets[i];
    }
  }

  /** A match, ready to test requests. */
  private record CompiledMatch(
      PathType pathType,
      String path,
      ThreadLocal<Matcher> pathRegex,
      String method,
      String[] headerNames,
      ValueTest[] headerValues,
      String[] queryNames,
      ValueTest[] queryValues,
      Cidr[] sourceRanges) {

    static CompiledMatch of(Match match) {
      String[] headerNames = new String[match.headers().size()];
      ValueTest[] headerValues = new ValueTest[headerNames.length];
      for (int i = 0; i < headerNames.length; i++) {
        ValueMatch header = match.headers().get(i);
        headerNames[i] = header.name().toLowerCase(Locale.ROOT);
        headerValues[i] = ValueTest.of(header);
      }
      String[] queryNames = new String[match.queryParams().size()];
      ValueTest[] queryValues = new ValueTest[queryNames.length];
      for (int i = 0; i < queryNames.length; i++) {
        queryNames[i] = match.queryParams().get(i).name();
        queryValues[i] = ValueTest.of(match.queryParams().get(i));
      }
      return new CompiledMatch(
          match.pathType(),
          match.path(),
          match.pathType() == PathType.REGEX ? ValueTest.matcherOf(match.path()) : null,
          match.method(),
          headerNames,
          headerValues,
          queryNames,
          queryValues,
          match.sourceRanges().stream().map(Cidr::parse).toArray(Cidr[]::new));
    }

    boolean matches(HttpRequestView request) {
      CharSequence requestPath = request.path();
      boolean pathOk =
          switch (pathType) {
            case EXACT -> Chars.equals(requestPath, path);
            case PREFIX -> Chars.segmentPrefix(requestPath, path);
            case REGEX -> pathRegex.get().reset(requestPath).matches();
          };
      if (!pathOk || (method != null && !Chars.equals(request.method(), method))) {
        return false;
      }
      for (int i = 0; i < headerNames.length; i++) {
        if (!headerValues[i].test(request.header(headerNames[i]))) {
          return false;
        }
      }
      if (sourceRanges.length > 0 && !fromRange(request.client())) {
        return false;
      }
      for (int i = 0; i < queryNames.length; i++) {
        CharSequence value = Chars.queryValue(request.query(), queryNames[i], SLICES.get());
        if (!queryValues[i].test(value)) {
          return false;
        }
      }
      return true;
    }

    private boolean fromRange(java.net.InetAddress client) {
      if (client == null) {
        return false;
      }
      for (Cidr range : sourceRanges) {
        if (range.contains(client)) {
          return true;
        }
      }
      return false;
    }
  }

  /** An exact value or a regular expression (one reusable matcher per thread). */
  private record ValueTest(String exact, ThreadLocal<Matcher> regex) {
    static ValueTest of(ValueMatch match) {
      return match.type() == ValueType.REGEX
          ? new ValueTest(null, matcherOf(match.value()))
          : new ValueTest(match.value(), null);
    }

    static ThreadLocal<Matcher> matcherOf(String regex) {
      Pattern pattern = Pattern.compile(regex);
      return ThreadLocal.withInitial(() -> pattern.matcher(""));
    }

    boolean test(CharSequence value) {
      if (value == null) {
        return false;
      }
      return exact != null ? Chars.equals(value, exact) : regex.get().reset(value).matches();
    }
  }
}
