package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"gopkg.in/yaml.v3"
)

// Template is template.yaml: what the catalogue shows and the policy around a
// template's stacks (docs/iac.md).
type Template struct {
	Title       string               `yaml:"title"`
	Description string               `yaml:"description"`
	Parameters  map[string]Parameter `yaml:"parameters"`
	Approval    Approval             `yaml:"approval"`
	// Stateful lists the resource addresses whose deletion or replacement
	// needs an explicit confirmation (they hold data).
	Stateful           []string `yaml:"stateful"`
	DriftCheckInterval string   `yaml:"drift_check_interval"`
	TTL                string   `yaml:"ttl,omitempty"`
	// Placement lists the regions and profiles an authorizer may choose;
	// without it (or without one of its lists) any name is accepted.
	Placement *Placement `yaml:"placement,omitempty"`
}

// Placement is where a template's stacks may go: regions, and profiles (named
// credentials, such as AWS shared-config profiles).
type Placement struct {
	Regions  []string `yaml:"regions,omitempty"`
	Profiles []string `yaml:"profiles,omitempty"`
}

// placementName is what a region or profile may be called.
var placementName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Parameter is the UI hint for one variable of variables.tf.
type Parameter struct {
	Label       string `yaml:"label"`
	Help        string `yaml:"help,omitempty"`
	Widget      string `yaml:"widget,omitempty"`
	Placeholder string `yaml:"placeholder,omitempty"`
}

// Approval is the template's approval policy; a request may narrow it
// (more approvals, fewer roles), never widen it.
type Approval struct {
	Roles        []string `yaml:"roles"`
	Count        int      `yaml:"count"`
	SelfApproval *bool    `yaml:"self_approval"`
}

// platformPrefix starts the variables the platform supplies (stack, region,
// profile, ...); they have no parameter in template.yaml.
const platformPrefix = "provisio_"

var widgets = map[string]bool{"": true, "text": true, "number": true, "team": true, "select": true, "toggle": true}

// Problem is one finding, with the file and line it is about when known.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// configuration is what validation needs from the .tf files.
type configuration struct {
	variables map[string]hcl.Range
	resources map[string]bool
}

func parseConfiguration(dir string) (*configuration, []Problem) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	sort.Strings(files)
	parser := hclparse.NewParser()
	cfg := &configuration{variables: map[string]hcl.Range{}, resources: map[string]bool{}}
	var problems []Problem
	schema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
	}}
	for _, file := range files {
		f, diags := parser.ParseHCLFile(file)
		for _, d := range diags {
			problems = append(problems, diagnosticProblem(dir, d))
		}
		if f == nil || diags.HasErrors() {
			continue
		}
		content, _, _ := f.Body.PartialContent(schema)
		for _, b := range content.Blocks {
			switch b.Type {
			case "variable":
				cfg.variables[b.Labels[0]] = b.DefRange
			case "resource":
				cfg.resources[b.Labels[0]+"."+b.Labels[1]] = true
			}
		}
	}
	if len(files) == 0 {
		problems = append(problems, Problem{File: dir, Message: "no .tf files"})
	}
	return cfg, problems
}

func diagnosticProblem(dir string, d *hcl.Diagnostic) Problem {
	p := Problem{File: dir, Message: d.Summary}
	if d.Detail != "" {
		p.Message += ": " + d.Detail
	}
	if d.Subject != nil {
		p.File, _ = filepath.Rel(dir, d.Subject.Filename)
		p.File = filepath.Join(dir, p.File)
		p.Line = d.Subject.Start.Line
	}
	return p
}

func loadTemplate(dir string) (*Template, []Problem) {
	path := filepath.Join(dir, "template.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, []Problem{{File: path, Message: err.Error()}}
	}
	var t Template
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true) // a misspelt key is an error, not ignored
	if err := dec.Decode(&t); err != nil {
		return nil, []Problem{{File: path, Message: err.Error()}}
	}
	var problems []Problem
	bad := func(format string, args ...any) {
		problems = append(problems, Problem{File: path, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(t.Title) == "" {
		bad("title is missing")
	}
	if strings.TrimSpace(t.Description) == "" {
		bad("description is missing")
	}
	if len(t.Approval.Roles) == 0 {
		bad("approval.roles must name at least one role")
	}
	if t.Approval.Count < 1 {
		bad("approval.count must be at least 1, not %d", t.Approval.Count)
	}
	if t.Approval.SelfApproval == nil || *t.Approval.SelfApproval {
		bad("approval.self_approval must be false: a requester never approves their own request")
	}
	if d, err := time.ParseDuration(t.DriftCheckInterval); err != nil || d < time.Minute {
		bad("drift_check_interval must be a duration of at least 1m (such as 30m), not %q", t.DriftCheckInterval)
	}
	if t.TTL != "" {
		if d, err := time.ParseDuration(t.TTL); err != nil || d <= 0 {
			bad("ttl must be a positive duration (such as 168h), not %q", t.TTL)
		}
	}
	if t.Placement != nil {
		for list, names := range map[string][]string{"regions": t.Placement.Regions, "profiles": t.Placement.Profiles} {
			seen := map[string]bool{}
			for _, name := range names {
				if !placementName.MatchString(name) {
					bad("placement.%s: %q is not a name (lowercase letters, digits and hyphens)", list, name)
				}
				if seen[name] {
					bad("placement.%s names %q twice", list, name)
				}
				seen[name] = true
			}
		}
		if len(t.Placement.Regions) == 0 && len(t.Placement.Profiles) == 0 {
			bad("placement lists neither regions nor profiles: leave it out to allow any")
		}
	}
	for name, p := range t.Parameters {
		if strings.TrimSpace(p.Label) == "" {
			bad("parameters.%s.label is missing", name)
		}
		if !widgets[p.Widget] {
			bad("parameters.%s.widget %q is not one of text, number, team, select, toggle", name, p.Widget)
		}
	}
	return &t, problems
}

// validateTemplate checks template.yaml, its agreement with variables.tf, and
// the configuration itself with `tofu validate -json`.
func validateTemplate(dir, tofu string) []Problem {
	t, problems := loadTemplate(dir)
	cfg, hclProblems := parseConfiguration(dir)
	problems = append(problems, hclProblems...)
	if len(hclProblems) > 0 {
		return problems // tofu would say the same syntax errors again
	}
	yamlPath := filepath.Join(dir, "template.yaml")
	if t != nil {
		for name, r := range cfg.variables {
			if _, ok := t.Parameters[name]; !ok && !strings.HasPrefix(name, platformPrefix) {
				problems = append(problems, Problem{File: r.Filename, Line: r.Start.Line,
					Message: fmt.Sprintf("variable %q has no entry under parameters in template.yaml", name)})
			}
		}
		for name := range t.Parameters {
			if _, ok := cfg.variables[name]; !ok {
				problems = append(problems, Problem{File: yamlPath, Message: fmt.Sprintf("parameters.%s names no variable of variables.tf", name)})
			}
			if strings.HasPrefix(name, platformPrefix) {
				problems = append(problems, Problem{File: yamlPath, Message: fmt.Sprintf("parameters.%s: variables starting %s are the platform's, not the requester's", name, platformPrefix)})
			}
		}
		for _, address := range t.Stateful {
			if !cfg.resources[address] {
				problems = append(problems, Problem{File: yamlPath, Message: fmt.Sprintf("stateful names %q, which is no resource of the configuration", address)})
			}
		}
	}
	return append(problems, tofuValidate(dir, tofu)...)
}

// tofuValidate copies the template to a scratch directory (so that no
// .terraform is left in the catalogue), installs its providers from the
// mirror and runs `tofu validate -json`.
func tofuValidate(dir, tofu string) []Problem {
	work, err := os.MkdirTemp("", "provisio-validate")
	if err != nil {
		return []Problem{{File: dir, Message: err.Error()}}
	}
	defer os.RemoveAll(work)
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(work, filepath.Base(f)), raw, 0o644)
		}
		if err != nil {
			return []Problem{{File: f, Message: err.Error()}}
		}
	}
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command(tofu, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil && len(out) == 0 {
			out = stderr.Bytes()
		}
		return out, err
	}
	if out, err := run("init", "-backend=false", "-input=false", "-no-color"); err != nil {
		return []Problem{{File: dir, Message: "tofu init failed: " + strings.TrimSpace(string(out))}}
	}
	out, _ := run("validate", "-json", "-no-color")
	var result struct {
		Valid       bool `json:"valid"`
		Diagnostics []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Detail   string `json:"detail"`
			Range    *struct {
				Filename string `json:"filename"`
				Start    struct {
					Line int `json:"line"`
				} `json:"start"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(out, &result); err != nil {
		return []Problem{{File: dir, Message: "tofu validate -json said: " + strings.TrimSpace(string(out))}}
	}
	var problems []Problem
	for _, d := range result.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		p := Problem{File: dir, Message: d.Summary}
		if d.Detail != "" {
			p.Message += ": " + d.Detail
		}
		if d.Range != nil {
			p.File, p.Line = filepath.Join(dir, d.Range.Filename), d.Range.Start.Line
		}
		problems = append(problems, p)
	}
	return problems
}
