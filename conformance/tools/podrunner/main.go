// Command podrunner is the "container runtime" of the conformance harness.
//
// The test cluster has no kubelet and no scheduler. kwok simulates the Node and
// writes Pod status (IP, Ready); podrunner does the rest of a kubelet's job for
// the conformance suite's backends:
//
//   - binds unscheduled Pods to the simulated Node (there is no kube-scheduler);
//   - for each Pod on that Node that kwok gave an IP, creates a network
//     namespace with a veth into the host bridge, the Pod IP on its eth0, and
//     no default route (so a backend can only ever talk to the host);
//   - materializes the Pod's Secret and ConfigMap volumes as files, resolves its
//     container env (values, fieldRefs, Secret/ConfigMap keys), rewrites paths
//     under volume mountPaths to the materialized files, and starts one local
//     process per container inside the namespace (echo-basic for the
//     gateway-api echo images, coredns for the coredns image, Archway's
//     launcher for Archway's image: the proxies of --infrastructure kubernetes);
//   - writes each container's output as a CRI log file and creates a kwok Logs
//     object for the Pod, so `kubectl logs` (and the suite's mirror tests) read
//     it through the API server and kwok;
//   - annotates the Pod once it is ready: its containers' HTTP readiness probes
//     succeed (Archway's proxy: /readyz), or, without probes, its processes
//     listen; kwok's pod-ready stage waits for that annotation, so Ready means
//     "serving";
//   - stops the processes and deletes the namespace when the Pod goes away, and
//     everything it started when it exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
)

// StartedAnnotation is set on a Pod once its processes listen; kwok's pod-ready
// stage (conformance/kwok/stages.yaml) selects on it.
const StartedAnnotation = "conformance.archway.dev/started"

type options struct {
	kubeconfig  string
	nodeName    string
	bridge      string
	hostAddr    netip.Prefix
	nsPrefix    string
	stateDir    string
	echoBasic   string
	coredns     string
	archway     string
	workers     int
	readyWithin time.Duration
}

func main() {
	var o options
	var hostAddr string
	flag.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the test cluster")
	flag.StringVar(&o.nodeName, "node-name", "conformance-node", "the kwok Node whose Pods this runner runs")
	flag.StringVar(&o.bridge, "bridge", "arwc0", "host bridge the Pods' veths join")
	flag.StringVar(&hostAddr, "host-address", "10.199.0.1/16", "the bridge's address and the Pod network's prefix")
	flag.StringVar(&o.nsPrefix, "netns-prefix", "arwc-", "prefix of the network namespaces this runner creates")
	flag.StringVar(&o.stateDir, "state-dir", "", "directory for Pod files (volumes, logs); required")
	flag.StringVar(&o.echoBasic, "echo-basic", "", "path of the echo-basic binary; required")
	flag.StringVar(&o.coredns, "coredns", "", "path of the coredns binary (empty: coredns Pods are not started)")
	flag.StringVar(&o.archway, "archway", "", "the command standing in for Archway's image (…/archway:*, the controller's --proxy-image): runs the container's args, e.g. `proxy --controller=…` (empty: such Pods are not started)")
	flag.IntVar(&o.workers, "workers", 4, "Pods started or stopped at once")
	flag.DurationVar(&o.readyWithin, "ready-within", 10*time.Second, "how long to wait for a process to listen before marking the Pod started anyway")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if o.stateDir == "" || o.echoBasic == "" {
		log.Fatal("--state-dir and --echo-basic are required")
	}
	p, err := netip.ParsePrefix(hostAddr)
	if err != nil || !p.Addr().Is4() {
		log.Fatalf("--host-address: %q (expected an IPv4 prefix such as 10.199.0.1/16)", hostAddr)
	}
	o.hostAddr = p

	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		log.Fatalf("kubeconfig %s: %v", o.kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	client := kubernetes.NewForConfigOrDie(cfg)
	dyn := dynamic.NewForConfigOrDie(cfg)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	r := newRunner(o, client, dyn)
	if err := r.run(ctx); err != nil {
		log.Printf("error: %v", err)
		r.stopAll()
		os.Exit(1)
	}
	r.stopAll()
	log.Print("stopped")
}

type runner struct {
	o      options
	client kubernetes.Interface
	dyn    dynamic.Interface
	pods   corelisters.PodLister
	queue  workqueue.TypedRateLimitingInterface[string]

	mu      sync.Mutex
	running map[string]*podProcs // key: namespace/name
}

func newRunner(o options, client kubernetes.Interface, dyn dynamic.Interface) *runner {
	return &runner{
		o:      o,
		client: client,
		dyn:    dyn,
		queue: workqueue.NewTypedRateLimitingQueue(
			workqueue.NewTypedItemExponentialFailureRateLimiter[string](200*time.Millisecond, 5*time.Second)),
		running: map[string]*podProcs{},
	}
}

func (r *runner) run(ctx context.Context) error {
	factory := informers.NewSharedInformerFactory(r.client, 0)
	informer := factory.Core().V1().Pods()
	r.pods = informer.Lister()
	enqueue := func(obj any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			r.queue.Add(key)
		}
	}
	if _, err := informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
		DeleteFunc: enqueue,
	}); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), informer.Informer().HasSynced) {
		return fmt.Errorf("pod informer did not sync")
	}
	log.Printf("watching Pods; node %s, bridge %s (%s), state %s", r.o.nodeName, r.o.bridge, r.o.hostAddr, r.o.stateDir)

	var wg sync.WaitGroup
	for range r.o.workers {
		wg.Go(func() {
			for r.processNext(ctx) {
			}
		})
	}
	<-ctx.Done()
	r.queue.ShutDown()
	wg.Wait()
	factory.Shutdown()
	return nil
}

func (r *runner) processNext(ctx context.Context) bool {
	key, quit := r.queue.Get()
	if quit {
		return false
	}
	defer r.queue.Done(key)
	if err := r.reconcile(ctx, key); err != nil {
		if ctx.Err() == nil {
			log.Printf("%s: %v (retrying)", key, err)
			r.queue.AddRateLimited(key)
		}
		return true
	}
	r.queue.Forget(key)
	return true
}

func (r *runner) reconcile(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := r.pods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		r.stop(key, "deleted")
		return nil
	}
	if err != nil {
		return err
	}
	if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		r.stop(key, "terminating")
		return nil
	}
	if pod.Spec.NodeName == "" {
		return r.bind(ctx, pod)
	}
	if pod.Spec.NodeName != r.o.nodeName || pod.Spec.HostNetwork {
		return nil
	}
	r.mu.Lock()
	current := r.running[key]
	r.mu.Unlock()
	if current != nil && current.uid != pod.UID {
		r.stop(key, "replaced")
		current = nil
	}
	if current != nil {
		return nil
	}
	if pod.Status.PodIP == "" {
		return nil // kwok's pod-ip stage has not run yet; the update will requeue
	}
	procs, err := r.start(ctx, pod)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.running[key] = procs
	r.mu.Unlock()
	if pod.Annotations[StartedAnnotation] == "true" {
		return nil
	}
	if probes := readinessProbes(pod); len(probes) > 0 {
		// Like a kubelet: Ready once every readiness probe succeeds, however long
		// that takes (a JVM starting, a proxy waiting for its configuration).
		go func() {
			if procs.waitProbes(probes) {
				if err := r.annotate(ctx, ns, name); err != nil {
					log.Printf("%s: %v", key, err)
				}
			}
		}()
		return nil
	}
	procs.waitListening(r.o.readyWithin)
	return r.annotate(ctx, ns, name)
}

// annotate marks the Pod started: kwok's pod-ready stage then makes it Ready.
func (r *runner) annotate(ctx context.Context, ns, name string) error {
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:"true"}}}`, StartedAnnotation)
	if _, err := r.client.CoreV1().Pods(ns).Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("annotating: %w", err)
	}
	return nil
}

// bind plays kube-scheduler: every unscheduled Pod for the default scheduler
// goes to the simulated Node.
func (r *runner) bind(ctx context.Context, pod *corev1.Pod) error {
	if s := pod.Spec.SchedulerName; s != "" && s != corev1.DefaultSchedulerName {
		return nil
	}
	b := &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: r.o.nodeName},
	}
	err := r.client.CoreV1().Pods(pod.Namespace).Bind(ctx, b, metav1.CreateOptions{})
	if err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
		return fmt.Errorf("binding to %s: %w", r.o.nodeName, err)
	}
	return nil
}

func (r *runner) stop(key, why string) {
	r.mu.Lock()
	procs := r.running[key]
	delete(r.running, key)
	r.mu.Unlock()
	if procs != nil {
		log.Printf("%s: stopping (%s)", key, why)
		procs.stop()
	}
}

func (r *runner) stopAll() {
	r.mu.Lock()
	all := r.running
	r.running = map[string]*podProcs{}
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range all {
		wg.Go(p.stop)
	}
	wg.Wait()
}
