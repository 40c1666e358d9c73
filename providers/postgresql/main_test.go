package postgresql

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"provisio.dev/providers/internal/acctest"
)

func TestMain(m *testing.M) {
	acctest.Main(m, "PROVISIO_TEST_PG_HOST", "PROVISIO_TEST_PG_PORT", "PROVISIO_TEST_PG_USER", "PROVISIO_TEST_PG_PASSWORD")
}

// factories serves the provider in-process to our tofu binary.
var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"postgresql": providerserver.NewProtocol6WithError(New("test")()),
}
