// Command openloop sends HTTP/1.1 GET requests at a fixed rate over keep-alive connections and
// prints latency percentiles as JSON. It is open-loop in the way wrk2 is: each connection has a
// schedule (one request every conns/rate seconds, staggered), and a request's latency is measured
// from the time it was scheduled, not from when it was sent, so a stalled server shows up in the
// tail instead of slowing the load down (coordinated omission). Neither wrk nor h2load report
// corrected percentiles, which is why this exists.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type result struct {
	Rate      float64 `json:"target_rps"`
	Achieved  float64 `json:"achieved_rps"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	Non2xx    int     `json:"non_2xx"`
	P50Ms     float64 `json:"p50_ms"`
	P90Ms     float64 `json:"p90_ms"`
	P99Ms     float64 `json:"p99_ms"`
	P999Ms    float64 `json:"p999_ms"`
	MaxMs     float64 `json:"max_ms"`
	DurationS float64 `json:"duration_s"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "host:port to connect to")
	path := flag.String("path", "/", "request path")
	host := flag.String("host", "bench.example.com", "Host header")
	rate := flag.Float64("rate", 1000, "requests per second, all connections together")
	conns := flag.Int("c", 32, "connections")
	dur := flag.Duration("d", 10*time.Second, "how long to send")
	flag.Parse()
	if *rate <= 0 || *conns <= 0 || *dur <= 0 {
		fmt.Fprintln(os.Stderr, "openloop: -rate, -c and -d must be positive")
		os.Exit(2)
	}
	req := []byte("GET " + *path + " HTTP/1.1\r\nHost: " + *host + "\r\nUser-Agent: openloop\r\n\r\n")
	interval := time.Duration(float64(time.Second) * float64(*conns) / *rate)
	start := time.Now().Add(50 * time.Millisecond)
	end := start.Add(*dur)

	var mu sync.Mutex
	var all []time.Duration
	errors, non2xx := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lat, e, n := worker(*addr, req, start.Add(interval*time.Duration(i)/time.Duration(*conns)), interval, end)
			mu.Lock()
			all = append(all, lat...)
			errors += e
			non2xx += n
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		k := int(p * float64(len(all)-1))
		return float64(all[k]) / 1e6
	}
	r := result{Rate: *rate, Requests: len(all), Errors: errors, Non2xx: non2xx,
		P50Ms: pct(0.50), P90Ms: pct(0.90), P99Ms: pct(0.99), P999Ms: pct(0.999), DurationS: elapsed}
	if len(all) > 0 {
		r.MaxMs = float64(all[len(all)-1]) / 1e6
	}
	r.Achieved = float64(len(all)) / dur.Seconds()
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

// worker sends one request per interval on one connection, reconnecting after an error.
func worker(addr string, req []byte, next time.Time, interval time.Duration, end time.Time) (lat []time.Duration, errors, non2xx int) {
	var conn net.Conn
	var rd *bufio.Reader
	for ; next.Before(end); next = next.Add(interval) {
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		if conn == nil {
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				errors++
				continue
			}
			conn, rd = c, bufio.NewReaderSize(c, 64<<10)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		status, err := roundTrip(conn, rd, req)
		if err != nil {
			errors++
			conn.Close()
			conn = nil
			continue
		}
		lat = append(lat, time.Since(next))
		if status < 200 || status > 299 {
			non2xx++
		}
	}
	if conn != nil {
		conn.Close()
	}
	return
}

// roundTrip writes the request and reads one response with a Content-Length or chunked body.
func roundTrip(conn net.Conn, rd *bufio.Reader, req []byte) (int, error) {
	if _, err := conn.Write(req); err != nil {
		return 0, err
	}
	line, err := rd.ReadString('\n')
	if err != nil {
		return 0, err
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, err
	}
	length, chunked := -1, false
	for {
		h, err := rd.ReadString('\n')
		if err != nil {
			return 0, err
		}
		h = strings.TrimRight(h, "\r\n")
		if h == "" {
			break
		}
		k, v, _ := strings.Cut(h, ":")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "content-length":
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		case "transfer-encoding":
			chunked = strings.Contains(strings.ToLower(v), "chunked")
		}
	}
	switch {
	case chunked:
		for {
			s, err := rd.ReadString('\n')
			if err != nil {
				return 0, err
			}
			s = strings.TrimSpace(s)
			if i := strings.IndexByte(s, ';'); i >= 0 {
				s = s[:i]
			}
			n, err := strconv.ParseInt(s, 16, 64)
			if err != nil {
				return 0, err
			}
			if _, err := io.CopyN(io.Discard, rd, n+2); err != nil {
				return 0, err
			}
			if n == 0 {
				return status, nil
			}
		}
	case length >= 0:
		_, err = io.CopyN(io.Discard, rd, int64(length))
		return status, err
	default:
		return 0, fmt.Errorf("response without a length")
	}
}
