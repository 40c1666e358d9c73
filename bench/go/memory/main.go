// Command memory measures the resident memory of a Go SDK worker holding N
// idle workflows in its sticky cache; the Go twin of bench/memory.
//
//	go run ./memory -target 127.0.0.1:17700 -workflows 1000
//
// Output (one line, for scripts):
//
//	memory (go) workflows=N rss_before_kb=... rss_kb=... rss_trimmed_kb=... heap_inuse_kb=... start_s=...
//
// rss_trimmed_kb is read after runtime.GC and debug.FreeOSMemory (garbage not
// yet collected would otherwise count), as the C++ side reads it after malloc_trim.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"flag"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"provisio.dev/bench/workflows"
)

func residentKilobytes() int64 {
	file, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		if rest, ok := strings.CutPrefix(scanner.Text(), "VmRSS:"); ok {
			value, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return value
		}
	}
	return -1
}

func trimmedResidentKilobytes() int64 {
	runtime.GC()
	debug.FreeOSMemory()
	return residentKilobytes()
}

func main() {
	target := flag.String("target", "127.0.0.1:17700", "server host:port")
	count := flag.Int("workflows", 1000, "parked workflows")
	starters := flag.Int("starters", 4, "goroutines starting workflows")
	flag.Parse()
	if err := run(*target, *count, *starters); err != nil {
		fmt.Fprintln(os.Stderr, "memory (go):", err)
		os.Exit(1)
	}
}

func run(target string, count, starters int) error {
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	c, err := client.Dial(client.Options{HostPort: target, Logger: logger})
	if err != nil {
		return err
	}
	defer c.Close()
	worker.SetStickyWorkflowCacheSize(count + 1000)
	suffix := fmt.Sprint(time.Now().UnixNano())
	taskQueue := "bench-memory-go-" + suffix
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.ParkOnSignal, workflow.RegisterOptions{Name: workflows.ParkOnSignalType})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	time.Sleep(500 * time.Millisecond)
	before := trimmedResidentKilobytes()

	began := time.Now()
	var next, failures atomic.Int64
	var group sync.WaitGroup
	for t := 0; t < starters; t++ {
		group.Add(1)
		go func() {
			defer group.Done()
			for i := next.Add(1) - 1; i < int64(count); i = next.Add(1) - 1 {
				_, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{
					ID: fmt.Sprintf("bench-park-go-%s-%d", suffix, i), TaskQueue: taskQueue,
				}, workflows.ParkOnSignalType)
				if err != nil {
					failures.Add(1)
				}
			}
		}()
	}
	group.Wait()
	if failures.Load() > 0 {
		return fmt.Errorf("%d starts failed", failures.Load())
	}
	for workflows.FirstTasksRun.Load() < int64(count) {
		if time.Since(began) > 10*time.Minute {
			return fmt.Errorf("only %d of %d workflows ran their first task", workflows.FirstTasksRun.Load(), count)
		}
		time.Sleep(50 * time.Millisecond)
	}
	startSeconds := time.Since(began).Seconds()
	time.Sleep(2 * time.Second)
	rss := residentKilobytes()
	trimmed := trimmedResidentKilobytes()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	fmt.Printf("memory (go) workflows=%d rss_before_kb=%d rss_kb=%d rss_trimmed_kb=%d heap_inuse_kb=%d start_s=%.1f\n",
		count, before, rss, trimmed, stats.HeapInuse/1024, startSeconds)
	return nil
}
