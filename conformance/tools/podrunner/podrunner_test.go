package main

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestPathRewriterLongestMountFirst(t *testing.T) {
	rw := pathRewriter([]corev1.VolumeMount{
		{Name: "a", MountPath: "/etc"},
		{Name: "b", MountPath: "/etc/secret-volume/"},
		{Name: "c", MountPath: "/sub", SubPath: "x"},
		{Name: "missing", MountPath: "/nowhere"},
	}, map[string]string{"a": "/s/a", "b": "/s/b", "c": "/s/c"})
	for in, want := range map[string]string{
		"/etc/secret-volume/crt":       "/s/b/crt",
		"/etc/secret-volume":           "/s/b",
		"/etc/hosts":                   "/s/a/hosts",
		"/etcetera":                    "/etcetera",
		"/sub/file":                    "/s/c/x/file",
		"/nowhere/x":                   "/nowhere/x",
		"1":                            "1",
		"--tls-dir=/etc/secret-volume": "--tls-dir=/s/b",
		"--conf=/etc/x":                "--conf=/s/a/x",
		"--gateway=ns/gw":              "--gateway=ns/gw",
		"a=/etc/x":                     "a=/etc/x",
	} {
		if got := rw(in); got != want {
			t.Errorf("rewrite(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWithoutForwardKeepsTheRest(t *testing.T) {
	in := ".:53 {\n    forward . 8.8.8.8 9.9.9.9\n    log\n}\nfoo.bar.com:53 {\n  whoami\n}\n"
	want := ".:53 {\n    log\n}\nfoo.bar.com:53 {\n  whoami\n}\n"
	if got := withoutForward(in); got != want {
		t.Errorf("withoutForward:\n%s\nwant:\n%s", got, want)
	}
}

func TestCRIWriterOneRecordPerLine(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "c.log"))
	if err != nil {
		t.Fatal(err)
	}
	w := &criWriter{f: f}
	out, errs := w.stream("stdout"), w.stream("stderr")
	_, _ = out.Write([]byte("Echoing back request made to /mirror to client\npart"))
	_, _ = errs.Write([]byte("oops\n"))
	_, _ = out.Write([]byte("ial\n"))
	_, _ = out.Write([]byte("no newline at exit"))
	w.flush()
	f.Close()
	b, _ := os.ReadFile(f.Name())
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	want := []string{
		"stdout F Echoing back request made to /mirror to client",
		"stderr F oops",
		"stdout F partial",
		"stdout F no newline at exit",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d records, want %d:\n%s", len(lines), len(want), b)
	}
	for i, l := range lines {
		ts, rest, _ := strings.Cut(l, " ")
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Errorf("record %d: timestamp %q: %v", i, ts, err)
		}
		if rest != want[i] {
			t.Errorf("record %d = %q, want %q", i, rest, want[i])
		}
	}
}

func TestBinaryForImage(t *testing.T) {
	r := &runner{o: options{echoBasic: "/bin/echo-basic", coredns: "/bin/coredns"}}
	for image, want := range map[string]string{
		"registry.k8s.io/gateway-api/echo-basic:v1.5.1":       "/bin/echo-basic",
		"registry.k8s.io/gateway-api/echo-basic:v1.6.0-dev.3": "/bin/echo-basic",
		"registry.k8s.io/coredns/coredns:v1.12.2":             "/bin/coredns",
		"registry.k8s.io/gateway-api/echo-advanced:v1.5.1":    "",
		"echo-basic@sha256:abc":                               "/bin/echo-basic",
	} {
		if got := r.binaryFor(image); got != want {
			t.Errorf("binaryFor(%q) = %q, want %q", image, got, want)
		}
	}
}

func TestPodMACFollowsTheIP(t *testing.T) {
	if got := podMAC(netip.MustParseAddr("10.199.16.24")); got != "02:99:0a:c7:10:18" {
		t.Errorf("podMAC = %s", got)
	}
}

func TestReadinessProbesResolveAgainstThePodIP(t *testing.T) {
	pod := &corev1.Pod{
		Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "proxy", ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Path: "/readyz", Port: intstr.FromInt32(19003)}}}},
			{Name: "named", Ports: []corev1.ContainerPort{{Name: "health", ContainerPort: 8080}},
				ReadinessProbe: &corev1.Probe{TimeoutSeconds: 3, ProbeHandler: corev1.ProbeHandler{
					HTTPGet: &corev1.HTTPGetAction{Path: "ok", Port: intstr.FromString("health"), Scheme: corev1.URISchemeHTTPS}}}},
			{Name: "tcp", ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(1)}}}},
			{Name: "none"},
		}},
		Status: corev1.PodStatus{PodIP: "10.199.16.7"},
	}
	got := readinessProbes(pod)
	if len(got) != 2 {
		t.Fatalf("probes = %+v, want two", got)
	}
	if got[0].url != "http://10.199.16.7:19003/readyz" || got[0].timeout != time.Second {
		t.Errorf("probe 0 = %+v", got[0])
	}
	if got[1].url != "https://10.199.16.7:8080/ok" || got[1].timeout != 3*time.Second {
		t.Errorf("probe 1 = %+v", got[1])
	}
}

func TestWaitProbesUntilReadyOrStopped(t *testing.T) {
	ready := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-ready:
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	probes := []httpProbe{{container: "c", url: srv.URL + "/readyz", timeout: time.Second}}

	p := &podProcs{key: "ns/ready", stopped: make(chan struct{})}
	done := make(chan bool)
	go func() { done <- p.waitProbes(probes) }()
	select {
	case <-done:
		t.Fatal("ready while the probe answers 503")
	case <-time.After(3 * probeInterval):
	}
	close(ready)
	if !<-done {
		t.Error("waitProbes = false after the probe succeeded")
	}

	stopped := &podProcs{key: "ns/stopped", stopped: make(chan struct{})}
	go func() {
		done <- stopped.waitProbes([]httpProbe{{container: "c", url: "http://127.0.0.1:1/", timeout: time.Second}})
	}()
	stopped.stop()
	if <-done {
		t.Error("waitProbes = true for a Pod that stopped before its probe succeeded")
	}
}
