package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// materializeVolumes writes each Secret and ConfigMap volume of the Pod into
// dir/<volume>/ and returns volume name -> directory. A missing Secret or
// ConfigMap is an error (retried), as a kubelet would wait for it; an optional
// one gives an empty directory. Other volume types (the projected service
// account token, emptyDir) get an empty directory.
func (r *runner) materializeVolumes(ctx context.Context, pod *corev1.Pod, dir string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range pod.Spec.Volumes {
		vdir := filepath.Join(dir, v.Name)
		if err := os.MkdirAll(vdir, 0o755); err != nil {
			return nil, err
		}
		out[v.Name] = vdir
		var data map[string][]byte
		var items []corev1.KeyToPath
		switch {
		case v.Secret != nil:
			s, err := r.client.CoreV1().Secrets(pod.Namespace).Get(ctx, v.Secret.SecretName, metav1.GetOptions{})
			if err != nil {
				if v.Secret.Optional != nil && *v.Secret.Optional {
					continue
				}
				return nil, fmt.Errorf("volume %s: secret %s: %w", v.Name, v.Secret.SecretName, err)
			}
			data, items = s.Data, v.Secret.Items
			for k, val := range s.StringData {
				data[k] = []byte(val)
			}
		case v.ConfigMap != nil:
			cm, err := r.client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, v.ConfigMap.Name, metav1.GetOptions{})
			if err != nil {
				if v.ConfigMap.Optional != nil && *v.ConfigMap.Optional {
					continue
				}
				return nil, fmt.Errorf("volume %s: configmap %s: %w", v.Name, v.ConfigMap.Name, err)
			}
			data = map[string][]byte{}
			for k, val := range cm.Data {
				data[k] = []byte(val)
			}
			for k, val := range cm.BinaryData {
				data[k] = val
			}
			items = v.ConfigMap.Items
		default:
			continue
		}
		if len(items) == 0 {
			for k := range data {
				items = append(items, corev1.KeyToPath{Key: k, Path: k})
			}
		}
		for _, it := range items {
			val, ok := data[it.Key]
			if !ok {
				return nil, fmt.Errorf("volume %s: key %s not found", v.Name, it.Key)
			}
			if strings.Contains(it.Path, "..") {
				return nil, fmt.Errorf("volume %s: path %s", v.Name, it.Path)
			}
			if pod.Labels["app"] == "udp" && it.Key == "Corefile" {
				val = []byte(withoutForward(string(val)))
			}
			f := filepath.Join(vdir, it.Path)
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(f, val, 0o600); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// withoutForward drops `forward` lines from a Corefile. The suite's coredns
// config forwards every other zone to public resolvers; nothing in the Pod
// namespaces may send traffic beyond the host (they have no route anyway), and
// the tests only query the zone coredns answers itself (foo.bar.com, whoami).
func withoutForward(corefile string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(corefile, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "forward ") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// pathRewriter maps paths under a container's volume mountPaths to the
// materialized directories (longest mountPath first), also as the value of a
// `--flag=PATH` argument. The processes run in the
// host's file system, so /etc/secret-volume/crt becomes <state>/.../crt.
func pathRewriter(vms []corev1.VolumeMount, dirs map[string]string) func(string) string {
	type m struct{ from, to string }
	var ms []m
	for _, vm := range vms {
		if d, ok := dirs[vm.Name]; ok {
			to := d
			if vm.SubPath != "" {
				to = filepath.Join(d, vm.SubPath)
			}
			ms = append(ms, m{strings.TrimSuffix(vm.MountPath, "/"), to})
		}
	}
	sort.Slice(ms, func(i, j int) bool { return len(ms[i].from) > len(ms[j].from) })
	rewrite := func(s string) string {
		for _, x := range ms {
			if s == x.from || strings.HasPrefix(s, x.from+"/") {
				return x.to + s[len(x.from):]
			}
		}
		return s
	}
	return func(s string) string {
		// A flag with its value, --tls-dir=/etc/archway/tls: the value is the path.
		if flag, value, ok := strings.Cut(s, "="); ok && strings.HasPrefix(flag, "-") {
			return flag + "=" + rewrite(value)
		}
		return rewrite(s)
	}
}

// resolveEnv returns the container's environment as NAME=value, resolving
// fieldRefs and Secret/ConfigMap key refs like a kubelet does.
func (r *runner) resolveEnv(ctx context.Context, pod *corev1.Pod, c corev1.Container) ([]string, error) {
	var env []string
	for _, from := range c.EnvFrom {
		prefix := from.Prefix
		switch {
		case from.ConfigMapRef != nil:
			cm, err := r.client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, from.ConfigMapRef.Name, metav1.GetOptions{})
			if err != nil {
				return nil, fmt.Errorf("envFrom configmap %s: %w", from.ConfigMapRef.Name, err)
			}
			for k, v := range cm.Data {
				env = append(env, prefix+k+"="+v)
			}
		case from.SecretRef != nil:
			s, err := r.client.CoreV1().Secrets(pod.Namespace).Get(ctx, from.SecretRef.Name, metav1.GetOptions{})
			if err != nil {
				return nil, fmt.Errorf("envFrom secret %s: %w", from.SecretRef.Name, err)
			}
			for k, v := range s.Data {
				env = append(env, prefix+k+"="+string(v))
			}
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			env = append(env, e.Name+"="+e.Value)
			continue
		}
		v, err := r.valueFrom(ctx, pod, e.ValueFrom)
		if err != nil {
			return nil, fmt.Errorf("env %s: %w", e.Name, err)
		}
		env = append(env, e.Name+"="+v)
	}
	return env, nil
}

func (r *runner) valueFrom(ctx context.Context, pod *corev1.Pod, src *corev1.EnvVarSource) (string, error) {
	switch {
	case src.FieldRef != nil:
		switch p := src.FieldRef.FieldPath; p {
		case "metadata.name":
			return pod.Name, nil
		case "metadata.namespace":
			return pod.Namespace, nil
		case "metadata.uid":
			return string(pod.UID), nil
		case "spec.nodeName":
			return pod.Spec.NodeName, nil
		case "spec.serviceAccountName":
			return pod.Spec.ServiceAccountName, nil
		case "status.podIP":
			return pod.Status.PodIP, nil
		case "status.hostIP":
			return pod.Status.HostIP, nil
		default:
			if k, ok := strings.CutPrefix(p, "metadata.labels['"); ok {
				return pod.Labels[strings.TrimSuffix(k, "']")], nil
			}
			if k, ok := strings.CutPrefix(p, "metadata.annotations['"); ok {
				return pod.Annotations[strings.TrimSuffix(k, "']")], nil
			}
			return "", fmt.Errorf("fieldRef %s not supported", p)
		}
	case src.SecretKeyRef != nil:
		s, err := r.client.CoreV1().Secrets(pod.Namespace).Get(ctx, src.SecretKeyRef.Name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		return string(s.Data[src.SecretKeyRef.Key]), nil
	case src.ConfigMapKeyRef != nil:
		cm, err := r.client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, src.ConfigMapKeyRef.Name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		return cm.Data[src.ConfigMapKeyRef.Key], nil
	}
	return "", fmt.Errorf("unsupported valueFrom")
}
