// Command replay generates a TimerLoop history with the Go SDK worker and
// measures how fast the Go SDK's WorkflowReplayer replays it.
//
//	go run ./replay generate -target 127.0.0.1:17700 -rounds 232 -out history-10k-go.json
//	taskset -c 0 go run ./replay bench -history history-10k-go.json -seconds 10
//
// bench prints events/s. The JSON is parsed once, outside the timed loop, as
// in the C++ benchmark; each iteration is one ReplayWorkflowHistory call.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"provisio.dev/bench/workflows"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: replay generate|bench [flags]"))
	}
	var err error
	switch os.Args[1] {
	case "generate":
		err = generate(os.Args[2:])
	case "bench":
		err = bench(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "replay:", err)
	os.Exit(1)
}

func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func generate(args []string) error {
	flags := flag.NewFlagSet("generate", flag.ExitOnError)
	target := flags.String("target", "127.0.0.1:17700", "server host:port")
	rounds := flags.Int("rounds", 232, "timer loop rounds")
	out := flags.String("out", "history-10k-go.json", "where to write the history")
	flags.Parse(args)

	c, err := client.Dial(client.Options{HostPort: *target, Logger: quietLogger()})
	if err != nil {
		return err
	}
	defer c.Close()
	suffix := fmt.Sprint(time.Now().UnixNano())
	taskQueue := "bench-history-go-" + suffix
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.TimerLoop, workflow.RegisterOptions{Name: workflows.TimerLoopType})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	began := time.Now()
	run, err := c.ExecuteWorkflow(context.Background(),
		client.StartWorkflowOptions{ID: "bench-timer-loop-go-" + suffix, TaskQueue: taskQueue},
		workflows.TimerLoopType, *rounds)
	if err != nil {
		return err
	}
	var result int
	if err := run.Get(context.Background(), &result); err != nil {
		return err
	}
	seconds := time.Since(began).Seconds()

	// Write the history as {"events": [...]}, the shape ReplayWorkflowHistoryFromJSONFile reads.
	iter := c.GetWorkflowHistory(context.Background(), run.GetID(), run.GetRunID(), false, 0)
	file, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer file.Close()
	events := 0
	if _, err := io.WriteString(file, `{"events":[`); err != nil {
		return err
	}
	for iter.HasNext() {
		event, err := iter.Next()
		if err != nil {
			return err
		}
		encoded, err := marshalEvent(event)
		if err != nil {
			return err
		}
		if events > 0 {
			io.WriteString(file, ",")
		}
		file.Write(encoded)
		events++
	}
	if _, err := io.WriteString(file, "]}\n"); err != nil {
		return err
	}
	fmt.Printf("generate (go): %d rounds, %d events, %.1f s -> %s\n", *rounds, events, seconds, *out)
	return nil
}

func bench(args []string) error {
	flags := flag.NewFlagSet("bench", flag.ExitOnError)
	path := flags.String("history", "history-10k-go.json", "history JSON file")
	seconds := flags.Float64("seconds", 10, "how long to replay")
	flags.Parse(args)

	history, err := loadHistory(*path)
	if err != nil {
		return err
	}
	replayer := worker.NewWorkflowReplayer()
	replayer.RegisterWorkflowWithOptions(workflows.TimerLoop, workflow.RegisterOptions{Name: workflows.TimerLoopType})
	logger := quietLogger()
	events := len(history.Events)

	// One untimed replay checks the history replays at all, and warms up.
	if err := replayer.ReplayWorkflowHistory(logger, history); err != nil {
		return fmt.Errorf("replay %s: %w", *path, err)
	}
	runtime.GC()
	deadline := time.Duration(*seconds * float64(time.Second))
	replays := 0
	began := time.Now()
	for time.Since(began) < deadline {
		if err := replayer.ReplayWorkflowHistory(logger, history); err != nil {
			return err
		}
		replays++
	}
	elapsed := time.Since(began).Seconds()
	fmt.Printf("replay (go) history=%s events=%d replays=%d seconds=%.2f ms_per_replay=%.3f events_per_second=%.0f GOMAXPROCS=%d\n",
		*path, events, replays, elapsed, 1000*elapsed/float64(replays),
		float64(events*replays)/elapsed, runtime.GOMAXPROCS(0))
	return nil
}
