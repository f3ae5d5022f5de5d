package kubesphere

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// query is pkg/apiserver/query Query, parsed as ParseQueryParameter does: limit (default -1 = all), page (default
// 1), sortBy (default creationTimestamp), ascending (default false), labelSelector; every other parameter is a
// filter (name, names, label, annotation, uid, namespace, ownerReference, ownerKind, fieldSelector …).
type query struct {
	Limit, Offset int
	SortBy        string
	Ascending     bool
	LabelSelector string
	Filters       map[string]string
}

func parseQuery(values url.Values) *query {
	q := &query{Filters: map[string]string{}}
	limit, err := strconv.Atoi(values.Get("limit"))
	if err != nil {
		limit = -1
	}
	page, err := strconv.Atoi(values.Get("page"))
	if err != nil {
		page = 1
	}
	q.Limit, q.Offset = limit, (page-1)*limit
	q.SortBy = values.Get("sortBy")
	if q.SortBy == "" {
		q.SortBy = "creationTimestamp"
	}
	q.Ascending, _ = strconv.ParseBool(values.Get("ascending"))
	q.LabelSelector = values.Get("labelSelector")
	for key, vs := range values {
		switch key {
		case "page", "limit", "sortBy", "ascending", "labelSelector":
		default:
			v := ""
			if len(vs) > 0 {
				v = vs[0]
			}
			q.Filters[key] = v
		}
	}
	return q
}

// selector is Query.Selector: an unparsable selector selects everything.
func (q *query) selector() labels.Selector {
	s, err := labels.Parse(q.LabelSelector)
	if err != nil {
		return labels.Everything()
	}
	return s
}

// page is GetValidPagination.
func (q *query) page(total int) (int, int) {
	if q.Limit == -1 {
		return 0, total
	}
	if q.Limit < 0 || q.Offset < 0 || q.Offset > total {
		return 0, 0
	}
	end := q.Offset + q.Limit
	if end > total {
		end = total
	}
	return q.Offset, end
}

// greater is DefaultObjectMetaCompare: true if left sorts after right.
func greater(left, right *unstructured.Unstructured, sortBy string) bool {
	if sortBy == "name" {
		return strings.Compare(left.GetName(), right.GetName()) > 0
	}
	lt, rt := left.GetCreationTimestamp(), right.GetCreationTimestamp()
	if lt.Equal(&rt) {
		return strings.Compare(left.GetName(), right.GetName()) > 0
	}
	return lt.After(rt.Time)
}

// metaFilter is resources/v1alpha3 DefaultObjectMetaFilter (with v1beta1's labelSelector and fieldSelector filters
// when fieldSelectors is set: the generic resource manager's DefaultObjectMetaFilter has them, v1alpha3's has not).
func metaFilter(item *unstructured.Unstructured, field, value string, v1beta1 bool) bool {
	switch field {
	case "names":
		for _, name := range strings.Split(value, ",") {
			if item.GetName() == name {
				return true
			}
		}
		return false
	case "name", "nameAndAlias":
		display := item.GetAnnotations()[annotationDisplayName]
		if v1beta1 {
			if display != "" && strings.Contains(strings.ToLower(display), strings.ToLower(value)) {
				return true
			}
		} else if display != "" && strings.Contains(display, value) {
			return true
		}
		return strings.Contains(item.GetName(), value)
	case "uid":
		return string(item.GetUID()) == value
	case "namespace":
		return item.GetNamespace() == value
	case "ownerReference":
		for _, o := range item.GetOwnerReferences() {
			if string(o.UID) == value {
				return true
			}
		}
		return false
	case "ownerKind":
		for _, o := range item.GetOwnerReferences() {
			if o.Kind == value {
				return true
			}
		}
		return false
	case "annotation":
		return selectorMatches(item.GetAnnotations(), value)
	case "label":
		return selectorMatches(item.GetLabels(), value)
	case "labelSelector":
		if v1beta1 {
			return selectorMatches(item.GetLabels(), value)
		}
	case "fieldSelector":
		if v1beta1 {
			return fieldsMatch(item.Object, value)
		}
	}
	return true
}

func selectorMatches(m map[string]string, s string) bool {
	sel, err := labels.Parse(s)
	if err != nil {
		return false
	}
	return sel.Matches(labels.Set(m))
}

// fieldsMatch is resources/v1beta1 contains(): =, == and != on a dotted path of the object's JSON; a value
// starting with ~ compares case-insensitively. (KubeSphere resolves the path with a JSONPath library; dotted
// paths into maps, which is what the console sends, resolve the same.)
func fieldsMatch(obj map[string]interface{}, s string) bool {
	sel, err := fields.ParseSelector(s)
	if err != nil {
		return false
	}
	for _, r := range sel.Requirements() {
		negative := r.Operator == selection.NotEquals
		raw, ok := lookupPath(obj, r.Field)
		if !ok {
			return false
		}
		actual, want := fmt.Sprintf("%v", raw), r.Value
		equal := actual == want
		if strings.HasPrefix(want, "~") {
			equal = strings.EqualFold(actual, strings.TrimPrefix(want, "~"))
		}
		if equal == negative {
			return false
		}
	}
	return true
}

func lookupPath(obj map[string]interface{}, p string) (interface{}, bool) {
	var cur interface{} = obj
	for _, part := range strings.Split(p, ".") {
		m, ok := cur.(map[string]interface{})
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// defaultList is DefaultList: filter, sort (descending unless ascending), page; it answers the page and the total.
func defaultList(items []*unstructured.Unstructured, q *query, v1beta1 bool) ([]*unstructured.Unstructured, int) {
	filtered := make([]*unstructured.Unstructured, 0, len(items))
	for _, item := range items {
		keep := true
		for field, value := range q.Filters {
			if !metaFilter(item, field, value, v1beta1) {
				keep = false
				break
			}
		}
		if keep {
			filtered = append(filtered, item)
		}
	}
	sort.Slice(filtered, func(i, j int) bool {
		if !q.Ascending {
			return greater(filtered[i], filtered[j], q.SortBy)
		}
		return !greater(filtered[i], filtered[j], q.SortBy)
	})
	start, end := q.page(len(filtered))
	return filtered[start:end], len(filtered)
}

// toListResult wraps a page as api.ListResult {items, totalItems}.
func toListResult(items []*unstructured.Unstructured, total int) *listResult {
	out := &listResult{Items: make([]interface{}, 0, len(items)), TotalItems: total}
	for _, item := range items {
		out.Items = append(out.Items, item.Object)
	}
	return out
}
