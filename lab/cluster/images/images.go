// Package images writes small single-layer images as OCI archives that `ctr images import` loads: the lab's
// sandbox (pause) image and the images an air-gapped node holds before anything runs. Nodes here reach no
// public registry, so these are made from local files.
package images

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/spf13/cobra"
)

// File is one file placed in the image: Source on this machine, Target inside the image.
type File struct {
	Source, Target string
	Mode           int64
}

// Spec describes one image.
type Spec struct {
	Tag        string
	Files      []File
	Links      map[string]string // target → link name inside the image (e.g. busybox applets)
	Entrypoint []string
	Cmd        []string
}

var epoch = time.Unix(0, 0).UTC()

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Build returns the image: deterministic (fixed times, directories and links sorted, files in the given order).
func Build(spec Spec) (v1.Image, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	addDir := func(dir string) {
		for d := dir; d != "." && d != "/" && d != ""; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for _, f := range spec.Files {
		addDir(path.Dir(strings.TrimPrefix(f.Target, "/")))
	}
	for link := range spec.Links {
		addDir(path.Dir(strings.TrimPrefix(link, "/")))
	}
	for _, d := range sortedKeys(dirs) {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	for _, f := range spec.Files {
		data, err := os.ReadFile(f.Source)
		if err != nil {
			return nil, err
		}
		mode := f.Mode
		if mode == 0 {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Name: strings.TrimPrefix(f.Target, "/"), Mode: mode, Size: int64(len(data)), ModTime: epoch}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	for _, link := range sortedKeys(spec.Links) {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: strings.TrimPrefix(link, "/"), Linkname: spec.Links[link], Mode: 0o777, ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	layerBytes := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layerBytes)), nil })
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.Architecture, cfg.OS = "amd64", "linux"
	cfg.Created = v1.Time{Time: epoch}
	cfg.Config.Entrypoint = spec.Entrypoint
	cfg.Config.Cmd = spec.Cmd
	cfg.Config.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	return mutate.ConfigFile(img, cfg)
}

// Write builds the image and writes it as an OCI image layout archive named spec.Tag (annotation
// io.containerd.image.name, which `ctr images import` names it by), and answers its manifest digest. An OCI
// layout keeps the manifest as built, so `<name>@<digest>` resolves on the node after the import (a docker
// archive would be converted to a new manifest with another digest).
func Write(spec Spec, out string) (v1.Hash, error) {
	img, err := Build(spec)
	if err != nil {
		return v1.Hash{}, err
	}
	ref, err := name.NewTag(spec.Tag)
	if err != nil {
		return v1.Hash{}, err
	}
	digest, err := img.Digest()
	if err != nil {
		return v1.Hash{}, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(out), ".oci-layout-")
	if err != nil {
		return v1.Hash{}, err
	}
	defer os.RemoveAll(dir)
	path, err := layout.Write(dir, empty.Index)
	if err != nil {
		return v1.Hash{}, err
	}
	// Two names, as a CRI pull leaves them: the tag, and the repository digest that `<name>:<tag>@<digest>`
	// resolves to (containerd's CRI looks a digest reference up by that name only).
	for _, imageName := range []string{ref.Name(), ref.Context().Digest(digest.String()).Name()} {
		annotations := map[string]string{"io.containerd.image.name": imageName, "org.opencontainers.image.ref.name": ref.TagStr()}
		if err := path.AppendImage(img, layout.WithAnnotations(annotations)); err != nil {
			return v1.Hash{}, err
		}
	}
	tmp := out + ".tmp"
	if err := tarDir(dir, tmp); err != nil {
		return v1.Hash{}, err
	}
	return digest, os.Rename(tmp, out)
}

// tarDir writes the files under dir into an uncompressed tar at out, paths relative to dir, in sorted order.
func tarDir(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: rel + "/", Mode: 0o755, ModTime: epoch})
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: rel, Mode: 0o644, Size: int64(len(data)), ModTime: epoch}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// NewCommand is `labcluster image`.
func NewCommand() *cobra.Command {
	var spec Spec
	var out string
	var files, links []string
	cmd := &cobra.Command{
		Use:   "image",
		Short: "write a single-layer image archive for `ctr images import`",
		RunE: func(*cobra.Command, []string) error {
			for _, f := range files {
				src, dst, ok := strings.Cut(f, ":")
				if !ok {
					return fmt.Errorf("--file %q: want source:target", f)
				}
				spec.Files = append(spec.Files, File{Source: src, Target: dst})
			}
			spec.Links = map[string]string{}
			for _, l := range links {
				link, target, ok := strings.Cut(l, ":")
				if !ok {
					return fmt.Errorf("--link %q: want link:target", l)
				}
				spec.Links[link] = target
			}
			digest, err := Write(spec, out)
			if err != nil {
				return err
			}
			// The digest on stdout: callers pin the image by it.
			fmt.Println(digest.String())
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "archive to write")
	cmd.Flags().StringVar(&spec.Tag, "tag", "", "image name, e.g. lab.local/pause:3.10")
	cmd.Flags().StringArrayVar(&files, "file", nil, "source:target (repeatable)")
	cmd.Flags().StringArrayVar(&links, "link", nil, "link:target symlink inside the image (repeatable)")
	cmd.Flags().StringSliceVar(&spec.Entrypoint, "entrypoint", nil, "entrypoint")
	cmd.Flags().StringSliceVar(&spec.Cmd, "cmd", nil, "command")
	_ = cmd.MarkFlagRequired("out")
	_ = cmd.MarkFlagRequired("tag")
	return cmd
}
