// The sandbox ("pause") process of every lab pod: it holds the pod's namespaces and exits on SIGINT/SIGTERM.
// Built static and packed into the lab's sandbox image, because nodes here cannot pull registry.k8s.io/pause.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
