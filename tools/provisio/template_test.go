package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tofuBinary(t *testing.T) string {
	t.Helper()
	tofu := os.Getenv("PROVISIO_TOFU")
	if tofu == "" || os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		t.Fatal("PROVISIO_TOFU and TF_CLI_CONFIG_FILE must be set (scripts/test-iac sets them)")
	}
	return tofu
}

// copyTemplate copies templates/NAME into a scratch directory, applying edits
// (file name -> function of its content).
func copyTemplate(t *testing.T, name string, edits map[string]func(string) string) string {
	t.Helper()
	src := filepath.Join("..", "..", "templates", name)
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		content := string(raw)
		if edit := edits[e.Name()]; edit != nil {
			content = edit(content)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func joined(problems []Problem) string {
	var lines []string
	for _, p := range problems {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

func expectProblem(t *testing.T, problems []Problem, want string) {
	t.Helper()
	if !strings.Contains(joined(problems), want) {
		t.Fatalf("no problem contains %q; got:\n%s", want, joined(problems))
	}
}

func TestValidate_everyCatalogueTemplateIsValid(t *testing.T) {
	tofu := tofuBinary(t)
	dirs, _ := filepath.Glob(filepath.Join("..", "..", "templates", "*"))
	if len(dirs) < 3 {
		t.Fatalf("expected the three templates, found %v", dirs)
	}
	for _, dir := range dirs {
		if problems := validateTemplate(dir, tofu); len(problems) > 0 {
			t.Errorf("%s:\n%s", dir, joined(problems))
		}
	}
}

func TestValidate_syntaxErrorNamesFileAndLine(t *testing.T) {
	dir := copyTemplate(t, "local-site", map[string]func(string) string{
		// Line 1 of main.tf becomes an unclosed block.
		"main.tf": func(s string) string { return "resource \"local_file\" \"broken\" {\n" + s },
	})
	problems := validateTemplate(dir, tofuBinary(t))
	expectProblem(t, problems, filepath.Join(dir, "main.tf")+":")
	if problems[0].Line == 0 {
		t.Fatalf("the syntax error has no line: %s", problems[0])
	}
}

func TestValidate_undeclaredVariableIsReportedByTofuWithFileAndLine(t *testing.T) {
	dir := copyTemplate(t, "local-site", map[string]func(string) string{
		"outputs.tf": func(s string) string { return s + "\noutput \"oops\" {\n  value = var.no_such_variable\n}\n" },
	})
	problems := validateTemplate(dir, tofuBinary(t))
	expectProblem(t, problems, "Reference to undeclared input variable")
	expectProblem(t, problems, filepath.Join(dir, "outputs.tf")+":")
}

func TestValidate_parametersAndVariablesMustAgree(t *testing.T) {
	dir := copyTemplate(t, "local-site", map[string]func(string) string{
		"template.yaml": func(s string) string {
			s = strings.Replace(s, "  greeting:\n    label: Heading\n", "  colour:\n    label: Colour\n", 1)
			return s
		},
	})
	problems := validateTemplate(dir, tofuBinary(t))
	expectProblem(t, problems, `variable "greeting" has no entry under parameters in template.yaml`)
	expectProblem(t, problems, "parameters.colour names no variable of variables.tf")
}

func TestValidate_policyFieldsAreChecked(t *testing.T) {
	dir := copyTemplate(t, "local-site", map[string]func(string) string{
		"template.yaml": func(s string) string {
			s = strings.Replace(s, "self_approval: false", "self_approval: true", 1)
			s = strings.Replace(s, "drift_check_interval: 1h", "drift_check_interval: often", 1)
			s = strings.Replace(s, "stateful: []", "stateful: [local_file.missing]", 1)
			return s
		},
	})
	problems := validateTemplate(dir, tofuBinary(t))
	expectProblem(t, problems, "approval.self_approval must be false")
	expectProblem(t, problems, `drift_check_interval must be a duration of at least 1m (such as 30m), not "often"`)
	expectProblem(t, problems, `stateful names "local_file.missing", which is no resource of the configuration`)
}

func TestValidate_unknownKeyInTemplateYAMLIsAnError(t *testing.T) {
	dir := copyTemplate(t, "local-site", map[string]func(string) string{
		"template.yaml": func(s string) string { return s + "aproval_typo: 1\n" },
	})
	expectProblem(t, validateTemplate(dir, tofuBinary(t)), "field aproval_typo not found")
}

func TestValidate_placementNamesAreChecked(t *testing.T) {
	dir := copyTemplate(t, "static-site", map[string]func(string) string{
		"template.yaml": func(s string) string {
			return strings.Replace(s, "  profiles: [emulator]", "  profiles: [emulator, Emulator, emulator]", 1)
		},
	})
	problems := validateTemplate(dir, tofuBinary(t))
	expectProblem(t, problems, `placement.profiles: "Emulator" is not a name`)
	expectProblem(t, problems, `placement.profiles names "emulator" twice`)

	empty := copyTemplate(t, "local-site", map[string]func(string) string{
		"template.yaml": func(s string) string { return s + "placement: {}\n" },
	})
	expectProblem(t, validateTemplate(empty, tofuBinary(t)), "placement lists neither regions nor profiles")
}
