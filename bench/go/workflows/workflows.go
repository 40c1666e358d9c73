// Package workflows holds the benchmark workflows for the official Go SDK:
// the same two workflows as bench/workflows/bench_workflows.h, under the same
// workflow type names, issuing the same commands.
package workflows

import (
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/workflow"
)

const (
	// TimerLoopType is the workflow type of TimerLoop, in C++ and in Go.
	TimerLoopType = "BenchTimerLoop"
	// ParkOnSignalType is the workflow type of ParkOnSignal, in C++ and in Go.
	ParkOnSignalType = "BenchParkOnSignal"
	// ReleaseSignal lets a parked workflow finish.
	ReleaseSignal = "release"
)

// TimersPerRound is how many 1 ms timers TimerLoop starts at once.
const TimersPerRound = 20

// TimerLoop runs rounds rounds; each starts TimersPerRound 1 ms timers in one
// workflow task and waits for them in order (about 43 history events a round,
// see bench/workflows/bench_workflows.h for why rounds).
func TimerLoop(ctx workflow.Context, rounds int) (int, error) {
	for round := 0; round < rounds; round++ {
		timers := make([]workflow.Future, 0, TimersPerRound)
		for i := 0; i < TimersPerRound; i++ {
			timers = append(timers, workflow.NewTimer(ctx, time.Millisecond))
		}
		for _, timer := range timers {
			if err := timer.Get(ctx, nil); err != nil {
				return 0, err
			}
		}
	}
	return rounds, nil
}

// FirstTasksRun counts ParkOnSignal runs that reached their first wait outside
// replay; the memory benchmark waits for it. It only observes.
var FirstTasksRun atomic.Int64

// ParkOnSignal waits until the release signal comes: the smallest idle cached
// workflow (its user state is one bool).
func ParkOnSignal(ctx workflow.Context) (bool, error) {
	released := false
	channel := workflow.GetSignalChannel(ctx, ReleaseSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		channel.Receive(ctx, nil)
		released = true
	})
	if !workflow.IsReplaying(ctx) {
		FirstTasksRun.Add(1)
	}
	if err := workflow.Await(ctx, func() bool { return released }); err != nil {
		return false, err
	}
	return released, nil
}

const (
	// ShapeType is the workflow type of Shape, in C++ and in Go.
	ShapeType = "BenchShape"
	// ShapeActivity is the activity Shape runs: it returns its input.
	ShapeActivity = "BenchStep"
)

// Shape is the worker benchmark's workflow (see bench/workflows/bench_workflows.h):
// an activity, a 1 s timer, a wait for the release signal, a second activity,
// then completion.
func Shape(ctx workflow.Context) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	released := false
	channel := workflow.GetSignalChannel(ctx, ReleaseSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		channel.Receive(ctx, nil)
		released = true
	})
	var first, second string
	if err := workflow.ExecuteActivity(ctx, ShapeActivity, "first").Get(ctx, &first); err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, time.Second); err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return released }); err != nil {
		return "", err
	}
	if err := workflow.ExecuteActivity(ctx, ShapeActivity, "second").Get(ctx, &second); err != nil {
		return "", err
	}
	return first + "+" + second, nil
}

// Step is Shape's activity.
func Step(value string) (string, error) { return value, nil }
