// Command shape-worker is the Go twin of bench/shape/shape_worker.cc: it serves
// the Shape workflow and its activity on one task queue with default worker
// options, prints "ready" once polling, and runs until SIGTERM.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"provisio.dev/bench/workflows"
)

func main() {
	target := flag.String("target", "127.0.0.1:17700", "dev server host:port")
	taskQueue := flag.String("task-queue", "", "task queue to poll")
	flag.Parse()
	if *taskQueue == "" {
		log.Fatal("usage: shape-worker -target HOST:PORT -task-queue NAME")
	}
	c, err := client.Dial(client.Options{HostPort: *target, Logger: quietLogger{}})
	if err != nil {
		log.Fatalf("connect: %v", err)
	}
	defer c.Close()
	w := worker.New(c, *taskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.Shape, workflow.RegisterOptions{Name: workflows.ShapeType})
	w.RegisterActivityWithOptions(workflows.Step, activity.RegisterOptions{Name: workflows.ShapeActivity})
	if err := w.Start(); err != nil {
		log.Fatalf("start: %v", err)
	}
	fmt.Println("ready")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	w.Stop()
}

// quietLogger drops the SDK's per-task logs, as the C++ worker logs little.
type quietLogger struct{}

func (quietLogger) Debug(string, ...interface{}) {}
func (quietLogger) Info(string, ...interface{})  {}
func (quietLogger) Warn(msg string, keyvals ...interface{}) {
	log.Println(append([]interface{}{"WARN", msg}, keyvals...)...)
}
func (quietLogger) Error(msg string, keyvals ...interface{}) {
	log.Println(append([]interface{}{"ERROR", msg}, keyvals...)...)
}
