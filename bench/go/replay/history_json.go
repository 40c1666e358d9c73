package main

import (
	"os"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
)

// marshalEvent writes one event as proto3 JSON (enum names, as the C++ side writes them).
func marshalEvent(event *historypb.HistoryEvent) ([]byte, error) {
	return protojson.Marshal(event)
}

// loadHistory reads a history JSON file the way ReplayWorkflowHistoryFromJSONFile does.
func loadHistory(path string) (*historypb.History, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return client.HistoryFromJSON(file, client.HistoryJSONOptions{})
}
