package s3

import "testing"

func TestObjectURL_followsHowTheClientAddressesBuckets(t *testing.T) {
	cases := []struct {
		name   string
		client client
		want   string
	}{
		{"aws, virtual-hosted", client{}, "https://site.s3.eu-west-1.amazonaws.com/docs/a%20b.html"},
		{"aws, path style", client{pathStyle: true}, "https://s3.eu-west-1.amazonaws.com/site/docs/a%20b.html"},
		{"an endpoint, path style", client{endpoint: "http://127.0.0.1:5000/", pathStyle: true}, "http://127.0.0.1:5000/site/docs/a%20b.html"},
		{"an endpoint, virtual-hosted", client{endpoint: "https://s3.example.test"}, "https://site.s3.example.test/docs/a%20b.html"},
	}
	for _, c := range cases {
		if got := c.client.objectURL("site", "eu-west-1", "docs/a b.html"); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
