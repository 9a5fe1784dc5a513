#!/usr/bin/env bash
# Elbow's benchmark: the Elbow data plane beside HAProxy and NGINX, in front of the same loopback
# backends, loaded by the same tools in interleaved rounds (A B C A B C ...); then JMH
# microbenchmarks and the control-plane figures; then docs/benchmarks.md and docs/benchmarks.svg.
#
# Usage: bench/run.sh [options]
#   -r N     rounds (default 3)               -d SECS  wrk duration per measurement (default 10)
#   -W SECS  warm-up per target (default 5)   -i SECS  iperf3 duration (default 5)
#   -w SECS  warm-up of the JVM data plane per kind of traffic (default 20): its JIT compiles
#            each path (HTTP/2, gRPC, ...) over its first seconds of it; the rounds measure the
#            steady state, as the peers, which need no warm-up, are measured
#   -2       also the two-thread variants (haproxy-2t, nginx-2w, elbow-2t)
#   -J       skip the JMH microbenchmarks     -C       skip the control-plane figures
#   -A       skip the JFR allocation profile of the data plane
#   -R       skip the data-plane rounds (reuse nothing; only JMH and control plane)
#   -o DIR   results directory (default bench/results/<timestamp>)
#   -P       skip the protocol rounds (HTTPS, HTTP/2, gRPC, WebSocket and UDP)
#
# Ports (loopback): backends 18081/18082 (nginx, from bench/conf), iperf3 18201,
# haproxy-1t 18090, nginx-1w 18091, haproxy-tcp 18092 (-> iperf3), haproxy-tcp-http 18093
# (-> backend 1), haproxy-2t 18094, nginx-2w 18095, elbow-1t 18100 (HTTP) / 18102 (TCP -> iperf3)
# / 18103 (TCP -> backend 1), elbow-2t 18110 / 18112 / 18113. Protocols: haproxy-1t HTTPS 18096
# (bench/conf/haproxy-https-1t.cfg), elbow-1t HTTPS 18104, both with the test certificate of
# snapshot/src/test/resources/tls; UDP via iperf3 on 18301 (UDP and its TCP control port), nginx
# stream module 18302 (bench/conf/nginx-udp.conf), elbow-1t 18303 (a UDP and a TCP listener).
# WebSocket: a Netty echo member on 18402 (WebSocketBenchServer), haproxy-1t 18098
# (bench/conf/haproxy-ws-1t.cfg), nginx-1w 18099 (bench/conf/nginx-ws-1w.conf), elbow-1t 18106.
#
# Every proxy gets the same backends, connections and load; Elbow adds X-Forwarded-For/-Proto/
# -Port headers, which the peer configurations do not.
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# Every peer configuration this script reads lives in bench/conf, so a clone alone can run it.
PEERS=$ROOT/bench/conf
CONF=$ROOT/bench/conf
for f in nginx-backend1.conf nginx-backend2.conf nginx-proxy-1w.conf nginx-proxy-2w.conf \
  haproxy-http-1t.cfg haproxy-http-2t.cfg haproxy-tcp.cfg haproxy-https-1t.cfg \
  haproxy-tcp-http.cfg haproxy-grpc-1t.cfg nginx-udp.conf haproxy-ws-1t.cfg nginx-ws-1w.conf; do
  [ -f "$CONF/$f" ] || { echo "bench/run.sh: missing bench/conf/$f (a peer configuration)" >&2; exit 1; }
done
ROUNDS=3; DUR=10; WARM=5; WARM_JVM=20; IPERF_T=5; TWO=0; JMH=1; CONTROL=1; ROUNDS_ON=1; ALLOC=1; PROTO=1; OUT=""
while getopts "r:d:W:w:i:2JCARPo:h" opt; do
  case $opt in
    r) ROUNDS=$OPTARG;; d) DUR=$OPTARG;; W) WARM=$OPTARG;; w) WARM_JVM=$OPTARG;; i) IPERF_T=$OPTARG;; 2) TWO=1;;
    J) JMH=0;; C) CONTROL=0;; A) ALLOC=0;; R) ROUNDS_ON=0;; P) PROTO=0;; o) OUT=$OPTARG;;
    *) sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2;;
  esac
done
OUT=${OUT:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)}
RUN=$OUT/run
mkdir -p "$RUN"
RAW=$OUT/raw.tsv
CMDLINE="bench/run.sh $*"

need=(nginx haproxy wrk iperf3 h2load curl jq ss taskset python3)
missing=()
for b in "${need[@]}"; do command -v "$b" >/dev/null || missing+=("$b"); done
STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so
[ -f "$STREAM_MODULE" ] || missing+=(libnginx-mod-stream)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: haproxy nginx libnginx-mod-stream wrk iperf3 nghttp2-client curl jq iproute2 util-linux python3"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    haproxy nginx libnginx-mod-stream wrk iperf3 nghttp2-client curl jq iproute2 util-linux \
    python3 >/dev/null || exit 1
fi

echo "== building"
(cd "$ROOT" && ./mvnw -q -B -DskipTests -Dspotless.check.skip package -pl dataplane,bench -am) || exit 1
DP_CP="$ROOT/dataplane/target/elbow-dataplane-0.1.0-SNAPSHOT.jar:$ROOT/dataplane/target/lib/*"
# The data plane runs as the chart runs it: the JVM options its image ships (read from the
# Dockerfile, the one place they are written) and the chart's default memory limit of 1 GiB, which
# a JVM in a pod reads from its cgroup and which is given here as MaxRAM.
IMAGE_JVM=$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' "$ROOT/images/dataplane.Dockerfile")
[ -n "$IMAGE_JVM" ] || { echo "bench/run.sh: no JAVA_TOOL_OPTIONS in images/dataplane.Dockerfile" >&2; exit 1; }
read -r -a DP_JVM <<<"$IMAGE_JVM -XX:MaxRAM=1g"

# ---------------------------------------------------------------- processes
declare -a PIDS=()
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  done
  PIDS=()
}
trap stop_all EXIT
trap 'echo interrupted >&2; exit 130' INT TERM
start() { local name=$1; shift; "$@" >"$RUN/$name.out" 2>&1 & PIDS+=($!); }
start_nginx() { mkdir -p "$RUN/$1/logs" "$RUN/$1/tmp"; start "$1" nginx -p "$RUN/$1" -c "$2" -g 'daemon off;'; }
listening() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }
wait_port() { for _ in $(seq $((${2:-20} * 10))); do listening "$1" && return 0; sleep 0.1; done; return 1; }
pids_on_port() {
  local p
  for p in $(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    echo "$p"; ps -o pid= --ppid "$p" 2>/dev/null
  done | awk '{print $1}' | sort -u
}
cpu_ticks() {
  local p s=0 v
  for p in "$@"; do
    v=$(awk '{sub(/.*\) /,""); print $12+$13}' "/proc/$p/stat" 2>/dev/null) || continue
    s=$((s + ${v:-0}))
  done
  echo $s
}
HZ=$(getconf CLK_TCK)

TLS_DIR=$ROOT/snapshot/src/test/resources/tls
cat "$TLS_DIR/default.crt" "$TLS_DIR/default.key" > "$RUN/haproxy-cert.pem"
elbow_snapshot() { # first port: 18100 for elbow-1t; every listener port moves with it
  python3 - "$ROOT/bench/elbow-snapshot.json" "$1" "$TLS_DIR" <<'PY'
import json, sys
snapshot, base, tls = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
for listener in snapshot["listeners"]:
    if listener["port"] < 18300:
        listener["port"] += base - 18100
    else:
        listener["port"] += (base - 18100) // 10 * 10  # the UDP listener: 18303, 18313
    for certificate in listener.get("certificates", []):
        certificate["certificateChain"] = open(f"{tls}/default.crt").read()
        certificate["privateKey"] = open(f"{tls}/default.key").read()
print(json.dumps(snapshot, indent=1))
PY
}
start_elbow() { # name threads admin_port first_port [extra JVM options...]
  local name=$1 threads=$2 admin=$3 base=$4; shift 4
  elbow_snapshot "$base" > "$RUN/$name.json"
  start "$name" env ELBOW_ADMIN_TOKEN=bench java "${DP_JVM[@]}" "$@" -cp "$DP_CP" dev.elbow.dataplane.DataPlaneMain \
    --admin-address 127.0.0.1 --admin-port "$admin" --listen-address 127.0.0.1 --io-threads "$threads" \
    --snapshot "$RUN/$name.json"
}

declare -A HTTP=( [direct]=18081 [haproxy-1t]=18090 [nginx-1w]=18091 [elbow-1t]=18100 )
declare -A TCPBULK=( [direct]=18201 [haproxy-1t]=18092 [elbow-1t]=18102 )
declare -A TCPCONN=( [direct]=18081 [haproxy-1t]=18093 [elbow-1t]=18103 )
HT=(direct haproxy-1t nginx-1w elbow-1t)
TB=(direct haproxy-1t elbow-1t)
TC=(direct haproxy-1t elbow-1t)
if [ $TWO = 1 ]; then
  HTTP[haproxy-2t]=18094; HTTP[nginx-2w]=18095; HTTP[elbow-2t]=18110
  HT+=(haproxy-2t nginx-2w elbow-2t)
fi

if [ $ROUNDS_ON = 1 ]; then
  for p in 18081 18082 18090 18091 18092 18093 18094 18095 18096 18097 18098 18099 18100 18102 18103 18104 18105 18106 18110 18112 18113 18114 18199 18198 18201 18301 18302 18303 18401 18402; do
    listening $p && { echo "port $p is in use; stop what holds it" >&2; exit 1; }
  done
  echo "== starting backends, peers and Elbow (results in $OUT)"
  for be in be1 be2; do # the 15 MB answer of /big, for the HTTP/2 large-stream runs
    mkdir -p "$RUN/$be/html" && head -c 15000000 /dev/zero > "$RUN/$be/html/big.bin"
  done
  start_nginx be1 "$PEERS/nginx-backend1.conf"
  start_nginx be2 "$PEERS/nginx-backend2.conf"
  start haproxy-1t haproxy -db -f "$PEERS/haproxy-http-1t.cfg"
  start_nginx nginx-1w "$PEERS/nginx-proxy-1w.conf"
  start iperf3 iperf3 -s -B 127.0.0.1 -p 18201
  start haproxy-tcp haproxy -db -f "$PEERS/haproxy-tcp.cfg"
  start haproxy-tcp-http haproxy -db -f "$CONF/haproxy-tcp-http.cfg"
  start_elbow elbow-1t 1 18199 18100
  if [ $PROTO = 1 ]; then
    start haproxy-https env CERT_PEM="$RUN/haproxy-cert.pem" haproxy -db -f "$CONF/haproxy-https-1t.cfg"
    start haproxy-grpc env CERT_PEM="$RUN/haproxy-cert.pem" haproxy -db -f "$CONF/haproxy-grpc-1t.cfg"
    start grpc-member java -Xmx256m -cp "$ROOT/bench/target/elbow-benchmarks.jar" \
      dev.elbow.bench.GrpcBenchServer 18401
    # One gRPC message: not compressed, its length (5), then 5 bytes.
    printf '\x00\x00\x00\x00\x05hello' > "$RUN/grpc-request.bin"
    start ws-member java -Xmx256m -cp "$ROOT/bench/target/elbow-benchmarks.jar" \
      dev.elbow.bench.WebSocketBenchServer 18402
    start haproxy-ws haproxy -db -f "$CONF/haproxy-ws-1t.cfg"
    start_nginx nginx-ws "$CONF/nginx-ws-1w.conf"
    start iperf3-udp iperf3 -s -B 127.0.0.1 -p 18301
    start_nginx nginx-udp "$CONF/nginx-udp.conf"
  fi
  if [ $TWO = 1 ]; then
    start haproxy-2t haproxy -db -f "$PEERS/haproxy-http-2t.cfg"
    start_nginx nginx-2w "$PEERS/nginx-proxy-2w.conf"
    start_elbow elbow-2t 2 18198 18110
  fi
  PROTO_PORTS=(); [ $PROTO = 1 ] && PROTO_PORTS=(18096 18097 18098 18099 18104 18105 18106 18301 18302 18303 18401 18402)
  for port in "${HTTP[@]}" "${TCPBULK[@]}" "${TCPCONN[@]}" 18082 "${PROTO_PORTS[@]}"; do
    wait_port "$port" 60 || { echo "nothing listens on $port; see $RUN" >&2; exit 1; }
  done
  for t in "${HT[@]}"; do
    r=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${HTTP[$t]}/") || r=failed
    [ "$r" = 200 ] || { echo "$t does not answer 200 ($r)" >&2; exit 1; }
  done

  echo -e "kind\ttarget\tround\tvalue\tp50_ms\tp99_ms\tp999_ms\terrors\tcpu_cores" > "$RAW"
  # Seconds of each kind of traffic a target gets before the rounds: the JVM data plane more, for
  # its JIT (in runs with 5 s, Elbow's first round of HTTP/2, gRPC and large streams was its
  # lowest in every run: still compiling).
  warm_of() { if [[ $1 == elbow* ]]; then echo "$WARM_JVM"; else echo "$WARM"; fi; }
  # kind target port round [extra wrk args...]
  run_wrk() {
    local kind=$1 t=$2 port=$3 r=$4; shift 4
    local conns=64 d=$DUR pids c0 c1 o rps p50 p99 p999 err cores scheme=http
    [[ "$kind" == https* ]] && scheme=https
    [ "$kind" = http256 ] && conns=256
    [ "$r" = 0 ] && d=$(warm_of "$t")
    pids=$(pids_on_port "$port"); c0=$(cpu_ticks $pids)
    o=$(taskset -c 0 wrk -t1 -c"$conns" -d"${d}s" -s "$ROOT/bench/latency.lua" "$@" "$scheme://127.0.0.1:$port/" 2>&1)
    c1=$(cpu_ticks $pids)
    [ "$r" = 0 ] && return
    echo "$o" > "$OUT/wrk-$kind-$t-r$r.txt"
    rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$o")
    read -r p50 p99 p999 < <(awk '/^PERCENTILES/{split($2,a,"=");split($3,b,"=");split($4,c,"="); printf "%.3f %.3f %.3f\n", a[2]/1000, b[2]/1000, c[2]/1000}' <<<"$o")
    err=$(awk '/Non-2xx/{e+=$NF} /Socket errors/{gsub(/[^0-9 ]/," "); for(i=1;i<=NF;i++) e+=$i} END{print e+0}' <<<"$o")
    cores=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" -v d="$d" 'BEGIN{printf "%.2f", (b-a)/hz/d}')
    echo -e "$kind\t$t\t$r\t${rps:-0}\t${p50:-0}\t${p99:-0}\t${p999:-0}\t$err\t$cores" >> "$RAW"
    printf '   r%s %-9s %-11s %10s req/s  p50 %7s  p99 %7s  p99.9 %7s ms  err %s  cpu %s\n' \
      "$r" "$kind" "$t" "${rps:-0}" "$p50" "$p99" "$p999" "$err" "$cores"
  }
  # kind target port round: HTTPS with wrk (keep-alive, or a handshake per request)
  run_https() {
    local kind=$1 t=$2 port=$3 r=$4 extra=()
    [ "$kind" = httpsclose ] && extra=(-H "Connection: close")
    run_wrk "$kind" "$t" "$port" "$r" "${extra[@]}"
  }
  run_h2() { # target port round
    local t=$1 port=$2 r=$3 d=$DUR pids c0 c1 o rps cores
    [ "$r" = 0 ] && d=$(warm_of "$t")
    pids=$(pids_on_port "$port"); c0=$(cpu_ticks $pids)
    o=$(taskset -c 0 h2load -c 16 -m 8 -D "$d" "https://127.0.0.1:$port/" 2>&1)
    c1=$(cpu_ticks $pids)
    [ "$r" = 0 ] && return
    echo "$o" > "$OUT/h2load-$t-r$r.txt"
    rps=$(awk '/^finished in/{gsub(",",""); print $4}' <<<"$o")
    err=$(awk '/^requests:/{for(i=1;i<=NF;i++) if($(i+1) ~ /^(failed|errored|timeout)/) e+=$i} END{print e+0}' <<<"$o")
    cores=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" -v d="$d" 'BEGIN{printf "%.2f", (b-a)/hz/d}')
    echo -e "h2\t$t\t$r\t${rps:-0}\t-\t-\t-\t$err\t$cores" >> "$RAW"
    printf '   r%s h2        %-11s %10s req/s  err %s  cpu %s\n' "$r" "$t" "${rps:-0}" "$err" "$cores"
  }
  rss_kib() { # sum of VmRSS (or another /proc status field) of the pids, in KiB
    local field=$1 p s=0 v; shift
    for p in "$@"; do
      v=$(awk -v f="$field:" '$1==f{print $2}' "/proc/$p/status" 2>/dev/null); s=$((s + ${v:-0}))
    done
    echo $s
  }
  declare -A H2BIG_BASE=()
  run_h2big() { # target port round: 64 streams of 15 MB on one connection, and the memory it took
    local t=$1 port=$2 r=$3 pids c0 c1 o mbs err cores before peak p
    pids=$(pids_on_port "$port")
    # Growth counts from the resident set before the target's first large stream (the warm-up's),
    # after the HTTP/1 loads; the peak is reset (Linux clear_refs 5) so each round's is its own.
    [ -n "${H2BIG_BASE[$t]:-}" ] || H2BIG_BASE[$t]=$(rss_kib VmRSS $pids)
    before=${H2BIG_BASE[$t]}
    for p in $pids; do echo 5 > "/proc/$p/clear_refs" 2>/dev/null; done
    c0=$(cpu_ticks $pids)
    if [ "$r" = 0 ]; then # warm-up: passes for the target's warm-up time, at least one
      local until=$((SECONDS + $(warm_of "$t")))
      while :; do
        taskset -c 0 h2load -c 1 -m 64 -n 64 "https://127.0.0.1:$port/big" >/dev/null 2>&1
        [ "$SECONDS" -lt "$until" ] || return 0
      done
    fi
    o=$(taskset -c 0 h2load -c 1 -m 64 -n 64 "https://127.0.0.1:$port/big" 2>&1)
    c1=$(cpu_ticks $pids); peak=$(rss_kib VmHWM $pids)
    echo "$o" > "$OUT/h2load-big-$t-r$r.txt"
    mbs=$(awk '/^finished in/{gsub(",",""); v=$6; u=$6; sub(/[A-Za-z\/]+$/,"",v); sub(/^[0-9.]+/,"",u);
      if (u ~ /^GB/) v*=1000; if (u ~ /^KB/) v/=1000; print v}' <<<"$o")
    err=$(awk '/^requests:/{for(i=1;i<=NF;i++) if($(i+1) ~ /^(failed|errored|timeout)/) e+=$i} END{print e+0}' <<<"$o")
    cores=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" 'BEGIN{printf "%.2f", (b-a)/hz}')
    echo -e "h2big\t$t\t$r\t${mbs:-0}\t-\t-\t-\t$err\t-" >> "$RAW"
    echo -e "h2bigrss\t$t\t$r\t$(( (peak - before) / 1024 ))\t-\t-\t-\t0\t-" >> "$RAW"
    printf '   r%s h2big     %-11s %10s MB/s  err %s  cpu-s %s  rss +%s MiB\n' "$r" "$t" "${mbs:-0}" \
      "$err" "$cores" "$(( (peak - before) / 1024 ))"
  }
  run_grpc() { # target port round: unary gRPC calls, HTTP/2 from clients and to the member
    local t=$1 port=$2 r=$3 d=$DUR pids c0 c1 o rps err cores
    [ "$r" = 0 ] && d=$(warm_of "$t")
    pids=$(pids_on_port "$port"); c0=$(cpu_ticks $pids)
    o=$(taskset -c 0 h2load -c 16 -m 8 -D "$d" -d "$RUN/grpc-request.bin" \
      -H 'content-type: application/grpc' -H 'te: trailers' "https://127.0.0.1:$port/bench.Echo/Unary" 2>&1)
    c1=$(cpu_ticks $pids)
    [ "$r" = 0 ] && return
    echo "$o" > "$OUT/h2load-grpc-$t-r$r.txt"
    rps=$(awk '/^finished in/{gsub(",",""); print $4}' <<<"$o")
    err=$(awk '/^requests:/{for(i=1;i<=NF;i++) if($(i+1) ~ /^(failed|errored|timeout)/) e+=$i}
      /^status codes:/{for(i=1;i<=NF;i++) if($(i+1) ~ /^[345]xx/) e+=$i} END{print e+0}' <<<"$o")
    cores=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" -v d="$d" 'BEGIN{printf "%.2f", (b-a)/hz/d}')
    echo -e "grpc\t$t\t$r\t${rps:-0}\t-\t-\t-\t$err\t$cores" >> "$RAW"
    printf '   r%s grpc      %-11s %10s req/s  err %s  cpu %s\n' "$r" "$t" "${rps:-0}" "$err" "$cores"
  }
  run_ws() { # target port round: WebSocket echoes, 64 connections with one 64-byte message each in flight
    local t=$1 port=$2 r=$3 d=$DUR pids c0 c1 o mps err cores
    [ "$r" = 0 ] && d=$(warm_of "$t")
    pids=$(pids_on_port "$port"); c0=$(cpu_ticks $pids)
    o=$(taskset -c 0 java -Xmx256m -XX:TieredStopAtLevel=1 -cp "$ROOT/bench/target/elbow-benchmarks.jar" \
      dev.elbow.bench.WebSocketLoad "$port" 64 "$d" 64 2>&1)
    c1=$(cpu_ticks $pids)
    [ "$r" = 0 ] && return
    echo "$o" > "$OUT/ws-$t-r$r.txt"
    mps=$(awk '/^messages\/s:/{print $2}' <<<"$o")
    err=$(awk '/^errors:/{print $2}' <<<"$o")
    cores=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" -v d="$d" 'BEGIN{printf "%.2f", (b-a)/hz/d}')
    echo -e "ws\t$t\t$r\t${mps:-0}\t-\t-\t-\t${err:-1}\t$cores" >> "$RAW"
    printf '   r%s ws        %-11s %10s msg/s  err %s  cpu %s\n' "$r" "$t" "${mps:-0}" "${err:-?}" "$cores"
  }
  iperf_ok() { # kind target round json: false, with a row that has no value, when iperf3 failed
    local why
    why=$(jq -r '.error // empty' <<<"$4" 2>/dev/null) || why="output is not iperf3 JSON"
    [ -z "$why" ] && return 0
    # tcpbulk counts the failed round as an error; udp's errors column is the loss %, left empty.
    echo -e "$1\t$2\t$3\t-\t-\t-\t-\t$([ "$1" = udp ] && echo - || echo 1)\t-" >> "$RAW"
    printf '   r%s %-9s %-11s iperf3 failed: %s\n' "$3" "$1" "$2" "$why"
    return 1
  }
  run_udp() { # target port round
    local t=$1 port=$2 r=$3 pids c0 c1 j g loss cores
    pids=$(pids_on_port "$port"); c0=$(cpu_ticks $pids)
    j=$(taskset -c 0 iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l 1200 -t "$IPERF_T" -J 2>&1)
    c1=$(cpu_ticks $pids)
    echo "$j" > "$OUT/iperf-udp-$t-r$r.json"
    if ! iperf_ok udp "$t" "$r" "$j"; then sleep 1; return; fi
    g=$(jq -r '(.end.sum.bits_per_second // 0) * (1 - (.end.sum.lost_percent // 100) / 100) / 1e9' <<<"$j" 2>/dev/null || echo 0)
    loss=$(jq -r '.end.sum.lost_percent // 100' <<<"$j" 2>/dev/null || echo 100)
    cores=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" -v d="$IPERF_T" 'BEGIN{printf "%.2f", (b-a)/hz/d}')
    echo -e "udp\t$t\t$r\t$g\t-\t-\t-\t$loss\t$cores" >> "$RAW"
    printf '   r%s udp       %-11s %8.3f Gbit/s received  loss %5.1f%%  cpu %s\n' "$r" "$t" "$g" "$loss" "$cores"
    sleep 1
  }
  run_iperf() { # target port round
    local t=$1 port=$2 r=$3 pids c0 c1 j g cores
    pids=$(pids_on_port "$port"); c0=$(cpu_ticks $pids)
    j=$(taskset -c 0 iperf3 -c 127.0.0.1 -p "$port" -t "$IPERF_T" -J 2>&1)
    c1=$(cpu_ticks $pids)
    echo "$j" > "$OUT/iperf-$t-r$r.json"
    if ! iperf_ok tcpbulk "$t" "$r" "$j"; then sleep 1; return; fi
    g=$(jq -r '(.end.sum_received.bits_per_second // 0) / 1e9' <<<"$j" 2>/dev/null || echo 0)
    cores=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" -v d="$IPERF_T" 'BEGIN{printf "%.2f", (b-a)/hz/d}')
    echo -e "tcpbulk\t$t\t$r\t$g\t-\t-\t-\t0\t$cores" >> "$RAW"
    printf '   r%s tcpbulk   %-11s %8.2f Gbit/s  cpu %s\n' "$r" "$t" "$g" "$cores"
    sleep 1
  }

  echo "== box: $(nproc) cpus, $(awk -F: '/model name/{print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== warm-up ${WARM}s per target and kind of traffic, ${WARM_JVM}s for the JVM data plane"
  for t in "${HT[@]}"; do run_wrk http64 "$t" "${HTTP[$t]}" 0; done
  for t in "${TC[@]}"; do run_wrk tcpconn "$t" "${TCPCONN[$t]}" 0 -H "Connection: close"; done
  declare -A HTTPS=( [haproxy-1t]=18096 [elbow-1t]=18104 )
  declare -A GRPC=( [haproxy-1t]=18097 [elbow-1t]=18105 )
  declare -A UDP=( [direct]=18301 [nginx-1w]=18302 [elbow-1t]=18303 )
  declare -A WS=( [direct]=18402 [haproxy-1t]=18098 [nginx-1w]=18099 [elbow-1t]=18106 )
  WT=(direct haproxy-1t nginx-1w elbow-1t)
  HS=(haproxy-1t elbow-1t)
  UT=(direct nginx-1w elbow-1t)
  if [ $PROTO = 1 ]; then
    for t in "${HS[@]}"; do
      run_https https64 "$t" "${HTTPS[$t]}" 0; run_h2 "$t" "${HTTPS[$t]}" 0
      run_h2big "$t" "${HTTPS[$t]}" 0; run_grpc "$t" "${GRPC[$t]}" 0
    done
    for t in "${WT[@]}"; do run_ws "$t" "${WS[$t]}" 0; done
  fi
  # Each round starts the targets at another place in their list, so no target always runs first
  # (or right after the same neighbour) on a machine whose load drifts.
  rot() { local k=$1; shift; local a=("$@"); k=$((k % ${#a[@]})); echo "${a[@]:k}" "${a[@]:0:k}"; }
  for r in $(seq "$ROUNDS"); do
    echo "== round $r of $ROUNDS"
    for t in $(rot "$r" "${HT[@]}"); do run_wrk http64 "$t" "${HTTP[$t]}" "$r"; done
    for t in $(rot "$r" "${HT[@]}"); do run_wrk http256 "$t" "${HTTP[$t]}" "$r"; done
    for t in $(rot "$r" "${HT[@]}"); do run_wrk httpclose "$t" "${HTTP[$t]}" "$r" -H "Connection: close"; done
    for t in $(rot "$r" "${TC[@]}"); do run_wrk tcpconn "$t" "${TCPCONN[$t]}" "$r" -H "Connection: close"; done
    for t in $(rot "$r" "${TB[@]}"); do run_iperf "$t" "${TCPBULK[$t]}" "$r"; done
    if [ $PROTO = 1 ]; then
      for t in $(rot "$r" "${HS[@]}"); do run_https https64 "$t" "${HTTPS[$t]}" "$r"; done
      for t in $(rot "$r" "${HS[@]}"); do run_https httpsclose "$t" "${HTTPS[$t]}" "$r"; done
      for t in $(rot "$r" "${HS[@]}"); do run_h2 "$t" "${HTTPS[$t]}" "$r"; done
      for t in $(rot "$r" "${HS[@]}"); do run_h2big "$t" "${HTTPS[$t]}" "$r"; done
      for t in $(rot "$r" "${HS[@]}"); do run_grpc "$t" "${GRPC[$t]}" "$r"; done
      for t in $(rot "$r" "${WT[@]}"); do run_ws "$t" "${WS[$t]}" "$r"; done
      for t in $(rot "$r" "${UT[@]}"); do run_udp "$t" "${UDP[$t]}" "$r"; done
    fi
  done
  stop_all
fi

if [ $ALLOC = 1 ] && [ $ROUNDS_ON = 1 ]; then
  echo "== allocation profile: a fresh elbow-1t under wrk -c64, JFR for 20 s after ${WARM}s of warm-up"
  start_nginx be1 "$PEERS/nginx-backend1.conf"
  start_nginx be2 "$PEERS/nginx-backend2.conf"
  start_elbow elbow-jfr 1 18197 18120 \
    "-XX:StartFlightRecording=delay=$((WARM + 2))s,duration=20s,filename=$OUT/elbow-alloc.jfr,settings=profile"
  wait_port 18120 60 || exit 1
  taskset -c 0 wrk -t1 -c64 -d"$((WARM + 2))s" http://127.0.0.1:18120/ >/dev/null
  o=$(taskset -c 0 wrk -t1 -c64 -d20s http://127.0.0.1:18120/)
  requests=$(awk '/requests in/{print $1}' <<<"$o")
  for _ in $(seq 100); do [ -s "$OUT/elbow-alloc.jfr" ] && break; sleep 0.2; done
  stop_all
  python3 "$ROOT/bench/jfr-alloc.py" "$OUT/elbow-alloc.jfr" "$requests" > "$OUT/allocation.md" && head -3 "$OUT/allocation.md"
fi

if [ $JMH = 1 ]; then
  echo "== JMH microbenchmarks"
  java -jar "$ROOT/bench/target/elbow-benchmarks.jar" -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff "$OUT/jmh.json" \
    > "$OUT/jmh.txt" 2>&1 || { tail -20 "$OUT/jmh.txt"; exit 1; }
  grep -E '^Benchmark|^[A-Za-z].*(ops|us|ns)/' "$OUT/jmh.txt" | tail -20
fi

if [ $CONTROL = 1 ]; then
  echo "== control plane (a real kube-apiserver; the first run builds it)"
  "$ROOT/scripts/kube-binaries.sh" >/dev/null || exit 1
  java -Xmx2g -Dio.netty.leakDetection.level=disabled -cp "$ROOT/bench/target/elbow-benchmarks.jar" \
    dev.elbow.bench.ControlPlaneBench "$OUT/control-plane.json" 2>&1 | tee "$OUT/control-plane.txt" | grep -E '^==|^   ' || exit 1
fi

echo "== report"
python3 "$ROOT/bench/report.py" "$OUT" "$ROOT/docs" "$CMDLINE" "$WARM" "$WARM_JVM"
