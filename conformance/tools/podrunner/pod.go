package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

var logsGVR = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "logs"}

// podProcs is one running Pod: its network namespace, files and processes.
type podProcs struct {
	key   string
	uid   types.UID
	id    string
	netns string
	ip    netip.Addr
	flush func(netip.Addr)
	dir   string
	procs []*proc
	// stopped is closed by stop: readiness probing ends with the Pod.
	stopped  chan struct{}
	stopOnce sync.Once
}

type proc struct {
	container string
	cmd       *exec.Cmd
	done      chan struct{}
	logFile   *os.File
}

// start sets the Pod up and starts its containers. On error nothing is left behind.
func (r *runner) start(ctx context.Context, pod *corev1.Pod) (_ *podProcs, err error) {
	key := pod.Namespace + "/" + pod.Name
	ip, perr := netip.ParseAddr(pod.Status.PodIP)
	if perr != nil || !ip.Is4() || !r.o.hostAddr.Contains(ip) {
		return nil, fmt.Errorf("pod IP %q is not an IPv4 address in %s (check the Node's podCIDR)", pod.Status.PodIP, r.o.hostAddr.Masked())
	}
	sum := sha256.Sum256([]byte(pod.UID))
	id := hex.EncodeToString(sum[:])[:8]
	p := &podProcs{
		key:     key,
		uid:     pod.UID,
		id:      id,
		ip:      ip,
		flush:   r.flushNeighbour,
		netns:   r.o.nsPrefix + id,
		stopped: make(chan struct{}),
		dir:     filepath.Join(r.o.stateDir, "pods", pod.Namespace+"_"+pod.Name+"_"+id),
	}
	defer func() {
		if err != nil {
			p.stop()
		}
	}()

	mounts, err := r.materializeVolumes(ctx, pod, filepath.Join(p.dir, "volumes"))
	if err != nil {
		return p, err
	}
	type plan struct {
		c    corev1.Container
		bin  string
		args []string
		env  []string
	}
	var plans []plan
	for _, c := range pod.Spec.Containers {
		bin := r.binaryFor(c.Image)
		if bin == "" {
			return p, fmt.Errorf("container %s: no local program for image %s", c.Name, c.Image)
		}
		env, err := r.resolveEnv(ctx, pod, c)
		if err != nil {
			return p, fmt.Errorf("container %s: %w", c.Name, err)
		}
		rewrite := pathRewriter(c.VolumeMounts, mounts)
		args := append(append([]string{}, c.Command...), c.Args...)
		if len(c.Command) > 0 {
			args = args[1:] // the image's entrypoint is replaced by the local binary
		}
		for i := range args {
			args[i] = rewrite(args[i])
		}
		for i, kv := range env {
			k, v, _ := strings.Cut(kv, "=")
			env[i] = k + "=" + rewrite(v)
		}
		plans = append(plans, plan{c, bin, args, env})
	}

	if err := r.setupNetns(p.netns, id, ip); err != nil {
		return p, err
	}
	logs := map[string]string{}
	for _, pl := range plans {
		logPath := filepath.Join(p.dir, "logs", pl.c.Name+".log")
		pr, err := startProc(p.netns, pl.c.Name, pl.bin, pl.args, pl.env, logPath, pl.c.WorkingDir)
		if err != nil {
			return p, fmt.Errorf("container %s: %w", pl.c.Name, err)
		}
		p.procs = append(p.procs, pr)
		logs[pl.c.Name] = logPath
	}
	if err := r.applyLogs(ctx, pod, logs); err != nil {
		return p, err
	}
	log.Printf("%s: started %d container(s) in netns %s at %s", key, len(p.procs), p.netns, ip)
	return p, nil
}

// binaryFor maps an image to the local program standing in for it.
func (r *runner) binaryFor(image string) string {
	name := image[strings.LastIndex(image, "/")+1:]
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	switch name {
	case "echo-basic":
		return r.o.echoBasic
	case "coredns":
		return r.o.coredns
	case "archway":
		return r.o.archway
	}
	return ""
}

// setupNetns creates the Pod's network namespace: loopback, and eth0 (one end
// of a veth whose other end joins the host bridge) with the Pod IP. Only the
// Pod network's own prefix is routed, so nothing in the namespace can reach
// any address beyond the host bridge.
func (r *runner) setupNetns(netns, id string, ip netip.Addr) error {
	hostSide, podSide := "arwh"+id, "arwp"+id
	bits := r.o.hostAddr.Bits()
	// kwok hands a deleted Pod's IP to the next Pod at once. With a random MAC on
	// the new eth0, the host's neighbour entry for that IP (still REACHABLE for
	// up to ~30 s) would point at the old Pod's MAC, and connections to the new
	// Pod would time out until it expires. A MAC derived from the IP stays right.
	mac := podMAC(ip)
	r.flushNeighbour(ip)
	steps := [][]string{
		{"netns", "add", netns},
		{"link", "add", hostSide, "type", "veth", "peer", "name", podSide},
		{"link", "set", podSide, "netns", netns},
		{"link", "set", hostSide, "master", r.o.bridge},
		{"link", "set", hostSide, "up"},
		{"-n", netns, "link", "set", "lo", "up"},
		{"-n", netns, "link", "set", podSide, "name", "eth0"},
		{"-n", netns, "link", "set", "eth0", "address", mac},
		{"-n", netns, "addr", "add", fmt.Sprintf("%s/%d", ip, bits), "dev", "eth0"},
		{"-n", netns, "link", "set", "eth0", "up"},
	}
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(s, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// podMAC is a locally administered unicast MAC that encodes the Pod IP.
func podMAC(ip netip.Addr) string {
	b := ip.As4()
	return fmt.Sprintf("02:99:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3])
}

// flushNeighbour forgets the host's neighbour (ARP) entry for a Pod IP.
func (r *runner) flushNeighbour(ip netip.Addr) {
	_ = exec.Command("ip", "neigh", "flush", "to", ip.String(), "dev", r.o.bridge).Run()
}

func startProc(netns, container, bin string, args, env []string, logPath, workDir string) (*proc, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("ip", append([]string{"netns", "exec", netns, bin}, args...)...)
	cmd.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/"}, env...)
	cmd.Dir = workDir
	if cmd.Dir == "" {
		cmd.Dir = "/"
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	w := &criWriter{f: f}
	cmd.Stdout = w.stream("stdout")
	cmd.Stderr = w.stream("stderr")
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	p := &proc{container: container, cmd: cmd, done: make(chan struct{}), logFile: f}
	go func() {
		err := cmd.Wait()
		w.flush()
		if err != nil {
			log.Printf("netns %s container %s exited: %v", netns, container, err)
		}
		close(p.done)
	}()
	return p, nil
}

// waitListening waits until every process has a listening TCP socket or a bound
// UDP socket in its network namespace (read from /proc/PID/net/*), so that the
// Pod is marked Ready only when it serves.
func (p *podProcs) waitListening(within time.Duration) {
	deadline := time.Now().Add(within)
	for _, pr := range p.procs {
		for {
			if listening(pr.cmd.Process.Pid) {
				break
			}
			select {
			case <-pr.done:
				log.Printf("%s: container %s exited before listening", p.key, pr.container)
				goto next
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				log.Printf("%s: container %s not listening after %s; marking started anyway", p.key, pr.container, within)
				break
			}
		}
	next:
	}
}

func listening(pid int) bool {
	for _, f := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, f))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) > 3 && fields[3] == "0A" { // TCP_LISTEN
				return true
			}
		}
	}
	for _, f := range []string{"udp", "udp6"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, f))
		if err == nil && len(strings.Split(strings.TrimSpace(string(b)), "\n")) > 1 {
			return true
		}
	}
	return false
}

func (p *podProcs) stop() {
	p.stopOnce.Do(func() { close(p.stopped) })
	for _, pr := range p.procs {
		_ = syscall.Kill(-pr.cmd.Process.Pid, syscall.SIGTERM)
	}
	for _, pr := range p.procs {
		select {
		case <-pr.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pr.cmd.Process.Pid, syscall.SIGKILL)
			<-pr.done
		}
		pr.logFile.Close()
	}
	if p.netns != "" {
		// Deleting the namespace deletes its end of the veth, and with it the host end.
		if out, err := exec.Command("ip", "netns", "del", p.netns).CombinedOutput(); err != nil &&
			!strings.Contains(string(out), "No such file") {
			log.Printf("%s: ip netns del %s: %v: %s", p.key, p.netns, err, strings.TrimSpace(string(out)))
		}
		// Only left behind when setup failed half-way.
		_ = exec.Command("ip", "link", "del", "arwh"+p.id).Run()
		p.flush(p.ip)
	}
	// Files stay (logs are useful after the run); run.sh removes the state dir.
}

// applyLogs creates the kwok Logs object that tells kwok which file holds each
// container's log. The Pod owns it, so the garbage collector removes it.
func (r *runner) applyLogs(ctx context.Context, pod *corev1.Pod, files map[string]string) error {
	names := make([]string, 0, len(files))
	for c := range files {
		names = append(names, c)
	}
	sort.Strings(names)
	var entries []any
	for _, c := range names {
		entries = append(entries, map[string]any{"containers": []any{c}, "logsFile": files[c], "follow": true})
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "Logs",
		"metadata": map[string]any{
			"name":      pod.Name,
			"namespace": pod.Namespace,
			"ownerReferences": []any{map[string]any{
				"apiVersion": "v1", "kind": "Pod", "name": pod.Name, "uid": string(pod.UID),
			}},
		},
		"spec": map[string]any{"logs": entries},
	}}
	res := r.dyn.Resource(logsGVR).Namespace(pod.Namespace)
	_, err := res.Create(ctx, obj, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		old, gerr := res.Get(ctx, pod.Name, metav1.GetOptions{})
		if gerr != nil {
			return fmt.Errorf("kwok Logs: %w", gerr)
		}
		obj.SetResourceVersion(old.GetResourceVersion())
		_, err = res.Update(ctx, obj, metav1.UpdateOptions{})
	}
	if err != nil {
		return fmt.Errorf("kwok Logs: %w", err)
	}
	return nil
}

// criWriter writes a process's output in the CRI log format that kwok reads
// (`<RFC3339Nano time> <stream> F <line>`), one record per line.
type criWriter struct {
	mu      sync.Mutex
	f       *os.File
	partial map[string][]byte
}

type criStream struct {
	w    *criWriter
	name string
}

func (w *criWriter) stream(name string) *criStream { return &criStream{w, name} }

func (s *criStream) Write(b []byte) (int, error) {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.partial == nil {
		w.partial = map[string][]byte{}
	}
	buf := append(w.partial[s.name], b...)
	for {
		i := strings.IndexByte(string(buf), '\n')
		if i < 0 {
			break
		}
		w.record(s.name, buf[:i])
		buf = buf[i+1:]
	}
	w.partial[s.name] = append([]byte(nil), buf...)
	return len(b), nil
}

func (w *criWriter) record(stream string, line []byte) {
	fmt.Fprintf(w.f, "%s %s F %s\n", time.Now().UTC().Format(time.RFC3339Nano), stream, line)
}

func (w *criWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for s, b := range w.partial {
		if len(b) > 0 {
			w.record(s, b)
		}
	}
	w.partial = nil
}
