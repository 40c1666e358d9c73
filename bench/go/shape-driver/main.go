// Command shape-driver runs the worker benchmark: the same workload against
// the C++ worker (bench/shape/shape_worker.cc) and the Go worker
// (bench/go/shape-worker), alternated A-B-B-A in one run, on the same dev
// server, and prints both side by side with their ratios.
//
// One run: a fresh worker process on a fresh task queue; N Shape workflows
// started (burst: all at once from 16 goroutines; paced: at -rate per
// second); once every one waits for its signal (its history has TimerFired
// and a WorkflowTaskCompleted after it), each is signalled (burst: all at
// once; paced: at -rate per second); every result is awaited; then the
// worker's CPU time (utime+stime from /proc/PID/stat, from "ready" to the
// last result) and peak RSS (VmHWM) are read, and it is stopped.
//
// Figures, measured the same way for both: CPU seconds per workflow task
// (WorkflowTaskCompleted events in the N histories), peak RSS, and the
// latency from WorkflowExecutionSignaled to the next ActivityTaskScheduled
// (server event times), median and p99. That latency is also shown in
// parts: the signal's workflow task waiting for a poller (schedule-to-start)
// and the worker running and answering it (start-to-complete). Before the
// measured runs, one unmeasured burst run per SDK warms the dev server up.
// Progress and each run's figures go to stderr, the table to stdout. Not a
// test: nothing is asserted.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"provisio.dev/bench/workflows"
)

type result struct {
	sdk, mode  string
	cpuSeconds float64
	tasks      int
	peakRSSKiB int64
	latencies  []time.Duration
	// The latency in three parts, from the same events: the signal to the
	// workflow task that carries it is scheduled (server), that task waits
	// for a poller (schedule-to-start), and the worker runs it and answers
	// (start-to-complete, which includes the RespondWorkflowTaskCompleted
	// round trip).
	toScheduled, toStarted, toCompleted []time.Duration
	elapsed                             time.Duration
	workflowIDs                         int
	// switches counts the worker's context switches, voluntary and not, over
	// its whole life (getrusage of the exited child: every thread, also the
	// ones gone), a sign of how many thread hand-offs a task costs.
	switches int64
}

func main() {
	target := flag.String("target", "127.0.0.1:17700", "dev server host:port")
	cppWorker := flag.String("cpp-worker", "", "path of the C++ shape_worker")
	goWorker := flag.String("go-worker", "", "path of the Go shape-worker")
	count := flag.Int("workflows", 300, "workflows per run")
	rate := flag.Float64("rate", 30, "starts and signals per second in paced mode")
	modes := flag.String("modes", "burst,paced", "comma-separated modes")
	warmup := flag.Int("warmup", 50, "workflows of one unmeasured burst run per SDK before the measured runs (0: none)")
	flag.Parse()
	if *cppWorker == "" || *goWorker == "" {
		log.Fatal("usage: shape-driver -cpp-worker PATH -go-worker PATH [-target HOST:PORT]")
	}
	c, err := client.Dial(client.Options{HostPort: *target, Logger: quiet{}})
	if err != nil {
		log.Fatalf("connect: %v", err)
	}
	defer c.Close()

	workers := map[string]string{"C++": *cppWorker, "Go": *goWorker}
	// The first run of a session was slower than the rest whichever SDK ran
	// it (the dev server warming up), which A-B-B-A does not cancel: one
	// unmeasured run per SDK goes first.
	if *warmup > 0 {
		for _, sdk := range []string{"C++", "Go"} {
			progress("warm-up: %s, %d workflows, not measured", sdk, *warmup)
			run(c, *target, sdk, workers[sdk], "burst", *warmup, *rate)
		}
	}
	var all []result
	for _, mode := range strings.Split(*modes, ",") {
		for _, sdk := range []string{"C++", "Go", "Go", "C++"} { // A-B-B-A
			r := run(c, *target, sdk, workers[sdk], mode, *count, *rate)
			fmt.Fprintf(os.Stderr, "[bench] %-5s %-3s: %d tasks, %.3f s CPU, peak RSS %d KiB, signal->activity median %v p99 %v (%v)\n",
				mode, sdk, r.tasks, r.cpuSeconds, r.peakRSSKiB, percentile(r.latencies, 50), percentile(r.latencies, 99), r.elapsed.Round(time.Millisecond))
			progress("%-5s %-3s: %.1f context switches per workflow task (whole process life)", mode, sdk, float64(r.switches)/float64(r.tasks))
			progress("%-5s %-3s: signal->task scheduled median %v, schedule-to-start median %v p99 %v, start-to-complete median %v p99 %v",
				mode, sdk, percentile(r.toScheduled, 50), percentile(r.toStarted, 50), percentile(r.toStarted, 99),
				percentile(r.toCompleted, 50), percentile(r.toCompleted, 99))
			all = append(all, r)
		}
	}
	report(all, strings.Split(*modes, ","))
}

func run(c client.Client, target, sdk, binary, mode string, count int, rate float64) result {
	queue := fmt.Sprintf("bench-shape-%s-%s-%d", strings.ToLower(strings.TrimSuffix(sdk, "++")), mode, time.Now().UnixNano())
	var args []string
	if sdk == "C++" {
		args = []string{"--target", target, "--task-queue", queue}
	} else {
		args = []string{"-target", target, "-task-queue", queue}
	}
	cmd := exec.Command(binary, args...)
	cmd.Stderr = os.Stderr
	// The worker dies with the driver, also when the driver stops on an
	// error (log.Fatalf) or is interrupted: no stray worker keeps polling.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Fatalf("%s worker: %v", sdk, err)
	}
	// The worker's stdout carries its readiness line, but the C++ SDK's
	// default logger writes there too: every other line goes on to stderr,
	// before and after "ready", and the pipe is drained until the worker
	// exits (a full pipe would block the worker).
	lines := bufio.NewScanner(stdout)
	ready := false
	for !ready && lines.Scan() {
		if strings.TrimSpace(lines.Text()) == "ready" {
			ready = true
		} else {
			fmt.Fprintf(os.Stderr, "[%s worker] %s\n", sdk, lines.Text())
		}
	}
	if !ready {
		log.Fatalf("%s worker exited before it was ready: %v", sdk, lines.Err())
	}
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for lines.Scan() {
			fmt.Fprintf(os.Stderr, "[%s worker] %s\n", sdk, lines.Text())
		}
	}()
	cpuBefore := cpuSeconds(cmd.Process.Pid)
	began := time.Now()

	ctx := context.Background()
	ids := make([]string, count)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%d", queue, i)
	}
	paced := func(n int, do func(int)) {
		if mode == "burst" {
			parallel(n, 16, do)
			return
		}
		tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer tick.Stop()
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			<-tick.C
			wg.Add(1)
			go func(i int) { defer wg.Done(); do(i) }(i)
		}
		wg.Wait()
	}
	paced(count, func(i int) {
		_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: ids[i], TaskQueue: queue}, workflows.ShapeType)
		if err != nil {
			log.Fatalf("start %s: %v", ids[i], err)
		}
	})
	progress("%s %s: %d workflows started in %v; waiting until each waits for its signal", mode, sdk, count, time.Since(began).Round(time.Millisecond))
	waitUntilWaiting(c, ids)
	progress("%s %s: all waiting after %v; signalling", mode, sdk, time.Since(began).Round(time.Millisecond))
	paced(count, func(i int) {
		if err := c.SignalWorkflow(ctx, ids[i], "", workflows.ReleaseSignal, nil); err != nil {
			log.Fatalf("signal %s: %v", ids[i], err)
		}
	})
	progress("%s %s: signalled; awaiting results", mode, sdk)
	parallel(count, 16, func(i int) {
		var out string
		if err := c.GetWorkflow(ctx, ids[i], "").Get(ctx, &out); err != nil || out != "first+second" {
			log.Fatalf("%s: result %q, %v", ids[i], out, err)
		}
	})
	elapsed := time.Since(began)
	r := result{sdk: sdk, mode: mode, cpuSeconds: cpuSeconds(cmd.Process.Pid) - cpuBefore,
		peakRSSKiB: peakRSS(cmd.Process.Pid), elapsed: elapsed, workflowIDs: count}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	<-drained // before Wait, which closes the pipe
	_ = cmd.Wait()
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.switches = usage.Nvcsw + usage.Nivcsw
	}
	progress("%s %s: worker stopped; reading %d histories", mode, sdk, count)

	var mu sync.Mutex
	parallel(count, 16, func(i int) {
		h := readHistory(c, ids[i])
		mu.Lock()
		r.tasks += h.tasks
		r.latencies = append(r.latencies, h.latency)
		r.toScheduled = append(r.toScheduled, h.toScheduled)
		r.toStarted = append(r.toStarted, h.toStarted)
		r.toCompleted = append(r.toCompleted, h.toCompleted)
		mu.Unlock()
	})
	return r
}

// waitUntilWaiting returns once every workflow waits for its signal: its
// history has TimerFired followed by a WorkflowTaskCompleted.
func waitUntilWaiting(c client.Client, ids []string) {
	pending := append([]string(nil), ids...)
	deadline := time.Now().Add(5 * time.Minute)
	lastReport := time.Now()
	for len(pending) > 0 {
		if time.Now().After(deadline) {
			log.Fatalf("%d workflows never reached their wait", len(pending))
		}
		var mu sync.Mutex
		var still []string
		parallel(len(pending), 16, func(i int) {
			if !waiting(c, pending[i]) {
				mu.Lock()
				still = append(still, pending[i])
				mu.Unlock()
			}
		})
		pending = still
		if len(pending) > 0 {
			if time.Since(lastReport) > 10*time.Second {
				progress("%d of %d workflows not waiting yet", len(pending), len(ids))
				lastReport = time.Now()
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

func waiting(c client.Client, id string) bool {
	iter := c.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	fired := false
	for iter.HasNext() {
		event, err := iter.Next()
		if err != nil {
			return false
		}
		switch event.GetEventType() {
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			fired = true
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			if fired {
				return true
			}
		}
	}
	return false
}

// timing is what one history says: its completed workflow tasks, the
// signal -> next ActivityTaskScheduled latency, and that latency's parts
// (the first workflow task scheduled after the signal, then started, then
// completed).
type timing struct {
	tasks                                        int
	latency, toScheduled, toStarted, toCompleted time.Duration
}

// readHistory reads one run's history (all pages: the iterator fetches
// them) and measures it.
func readHistory(c client.Client, id string) timing {
	iter := c.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	t := timing{latency: -1}
	var signaled, scheduled, started, completed time.Time
	for iter.HasNext() {
		event, err := iter.Next()
		if err != nil {
			log.Fatalf("history of %s: %v", id, err)
		}
		at := event.GetEventTime().AsTime()
		switch event.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			t.tasks++
			if !started.IsZero() && completed.IsZero() {
				completed = at
			}
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			signaled = at
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
			// The signal's own task. When a task was already scheduled (not
			// started) as the signal came, none follows it: the signal rides
			// in that task, and the latency counts from the signal (below).
			if !signaled.IsZero() && scheduled.IsZero() {
				scheduled = at
			}
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
			if !signaled.IsZero() && started.IsZero() {
				started = at
				if scheduled.IsZero() { // scheduled before the signal came
					scheduled = signaled
				}
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			if !signaled.IsZero() && t.latency < 0 {
				t.latency = at.Sub(signaled)
			}
		}
	}
	if t.latency < 0 || completed.IsZero() {
		log.Fatalf("%s: no activity scheduled after its signal", id)
	}
	t.toScheduled, t.toStarted, t.toCompleted = scheduled.Sub(signaled), started.Sub(scheduled), completed.Sub(started)
	return t
}

// progress logs a step of the run on stderr (stdout carries only the report).
func progress(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "[bench] "+format+"\n", args...)
}

func parallel(n, width int, do func(int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < width; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				do(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// cpuSeconds reads utime+stime of a process from /proc/PID/stat.
func cpuSeconds(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		log.Fatal(err)
	}
	// Fields after the command name (which may contain spaces) in parentheses.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	const ticksPerSecond = 100 // sysconf(_SC_CLK_TCK) on Linux
	return (utime + stime) / ticksPerSecond
}

// peakRSS reads VmHWM (KiB) of a process.
func peakRSS(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			value, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return value
		}
	}
	return 0
}

func percentile(values []time.Duration, p float64) time.Duration {
	if len(values) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), values...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	index := int(p / 100 * float64(len(sorted)-1))
	return sorted[index]
}

func report(all []result, modes []string) {
	fmt.Println("| mode | metric | C++ | Go | ratio C++/Go | target |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, mode := range modes {
		sum := map[string]*result{"C++": {}, "Go": {}}
		for _, r := range all {
			if r.mode != mode {
				continue
			}
			s := sum[r.sdk]
			s.cpuSeconds += r.cpuSeconds
			s.tasks += r.tasks
			if r.peakRSSKiB > s.peakRSSKiB {
				s.peakRSSKiB = r.peakRSSKiB
			}
			s.latencies = append(s.latencies, r.latencies...)
			s.toStarted = append(s.toStarted, r.toStarted...)
			s.switches += r.switches
			s.toCompleted = append(s.toCompleted, r.toCompleted...)
		}
		cpp, gosdk := sum["C++"], sum["Go"]
		cppCPU := cpp.cpuSeconds / float64(cpp.tasks) * 1e6
		goCPU := gosdk.cpuSeconds / float64(gosdk.tasks) * 1e6
		fmt.Printf("| %s | worker CPU per workflow task (µs) | %.0f | %.0f | %.2f | ≤ 0.5 |\n", mode, cppCPU, goCPU, cppCPU/goCPU)
		fmt.Printf("| %s | peak RSS (KiB) | %d | %d | %.2f | - |\n", mode, cpp.peakRSSKiB, gosdk.peakRSSKiB, float64(cpp.peakRSSKiB)/float64(gosdk.peakRSSKiB))
		cppSwitches := float64(cpp.switches) / float64(cpp.tasks)
		goSwitches := float64(gosdk.switches) / float64(gosdk.tasks)
		fmt.Printf("| %s | worker context switches per workflow task | %.1f | %.1f | %.2f | - |\n", mode, cppSwitches, goSwitches, cppSwitches/goSwitches)
		for _, p := range []float64{50, 99} {
			a, b := percentile(cpp.latencies, p), percentile(gosdk.latencies, p)
			fmt.Printf("| %s | signal → activity p%.0f | %v | %v | %.2f | ≤ 1 |\n", mode, p, a.Round(time.Millisecond), b.Round(time.Millisecond), float64(a)/float64(b))
		}
		for _, part := range []struct {
			name       string
			cpp, gosdk []time.Duration
		}{
			{"of which: task schedule-to-start", cpp.toStarted, gosdk.toStarted},
			{"of which: task start-to-complete", cpp.toCompleted, gosdk.toCompleted},
		} {
			a, b := percentile(part.cpp, 50), percentile(part.gosdk, 50)
			fmt.Printf("| %s | %s p50 | %v | %v | %.2f | - |\n", mode, part.name, a.Round(100*time.Microsecond), b.Round(100*time.Microsecond), float64(a)/float64(b))
		}
	}
}

type quiet struct{}

func (quiet) Debug(string, ...interface{}) {}
func (quiet) Info(string, ...interface{})  {}
func (quiet) Warn(string, ...interface{})  {}
func (quiet) Error(msg string, keyvals ...interface{}) {
	log.Println(append([]interface{}{"ERROR", msg}, keyvals...)...)
}
