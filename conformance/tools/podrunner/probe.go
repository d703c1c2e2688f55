package main

import (
	"crypto/tls"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// probeInterval is how often a readiness probe is tried until it succeeds. A
// kubelet waits periodSeconds between tries; trying more often only makes
// Ready come sooner after the container is ready, never before.
const probeInterval = 200 * time.Millisecond

// httpProbe is one container's HTTP readiness probe, resolved to a URL.
type httpProbe struct {
	container string
	url       string
	header    http.Header
	timeout   time.Duration
}

// readinessProbes resolves the HTTP readiness probes of the Pod's containers
// (named ports included) against the Pod IP. Exec and TCP probes are not run:
// such containers count as ready once they listen.
func readinessProbes(pod *corev1.Pod) []httpProbe {
	var out []httpProbe
	for _, c := range pod.Spec.Containers {
		if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil {
			continue
		}
		g := c.ReadinessProbe.HTTPGet
		port := g.Port.IntValue()
		if g.Port.Type != 0 { // a named port
			for _, cp := range c.Ports {
				if cp.Name == g.Port.StrVal {
					port = int(cp.ContainerPort)
				}
			}
		}
		if port <= 0 {
			log.Printf("%s/%s: container %s: readiness probe port %s not found; not probed", pod.Namespace, pod.Name, c.Name, g.Port.String())
			continue
		}
		host := g.Host
		if host == "" {
			host = pod.Status.PodIP
		}
		scheme := strings.ToLower(string(g.Scheme))
		if scheme == "" {
			scheme = "http"
		}
		path := g.Path
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		header := http.Header{}
		for _, h := range g.HTTPHeaders {
			header.Add(h.Name, h.Value)
		}
		timeout := time.Duration(c.ReadinessProbe.TimeoutSeconds) * time.Second
		if timeout <= 0 {
			timeout = time.Second
		}
		out = append(out, httpProbe{
			container: c.Name,
			url:       fmt.Sprintf("%s://%s%s", scheme, net.JoinHostPort(host, strconv.Itoa(port)), path),
			header:    header,
			timeout:   timeout,
		})
	}
	return out
}

// waitProbes tries each probe until it succeeds (a status of 200-399, as a
// kubelet counts it); false when the Pod stopped first.
func (p *podProcs) waitProbes(probes []httpProbe) bool {
	start := time.Now()
	for _, pr := range probes {
		client := &http.Client{
			Timeout: pr.timeout,
			// A kubelet does not verify an HTTPS probe's certificate.
			Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true},
		}
		for !probeOnce(client, pr) {
			select {
			case <-p.stopped:
				return false
			case <-time.After(probeInterval):
			}
		}
	}
	log.Printf("%s: readiness probes succeeded after %s", p.key, time.Since(start).Round(10*time.Millisecond))
	return true
}

func probeOnce(client *http.Client, pr httpProbe) bool {
	req, err := http.NewRequest(http.MethodGet, pr.url, nil)
	if err != nil {
		return false
	}
	req.Header = pr.header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 400
}
