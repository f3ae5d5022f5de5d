{{/* The role data KubeSphere's controllers would have reconciled (files/roles.yaml). */}}
{{- define "ks.roles" -}}{{ .Files.Get "files/roles.yaml" }}{{- end -}}

{{/* A role object: kind, name, optional namespace/labels, then the entry of files/roles.yaml. */}}
{{- define "ks.role" -}}
apiVersion: iam.kubesphere.io/v1beta1
kind: {{ .kind }}
metadata:
  name: {{ .name }}
  {{- with .namespace }}
  namespace: {{ . }}
  {{- end }}
  labels:
    kubesphere.io/managed: "true"
    {{- range $k, $v := .labels }}
    {{ $k }}: {{ $v | quote }}
    {{- end }}
  annotations:
    {{- range $k, $v := .role.annotations }}
    {{ $k }}: {{ $v | quote }}
    {{- end }}
    {{- with .role.rego }}
    iam.kubesphere.io/rego-override: {{ . | quote }}
    {{- end }}
{{- if or (hasKey .role "templateNames") (hasKey .role "roleSelector") }}
aggregationRoleTemplates:
  {{- with .role.roleSelector }}
  roleSelector: {{ . | toJson }}
  {{- end }}
  {{- if hasKey .role "templateNames" }}
  templateNames: {{ .role.templateNames | toJson }}
  {{- end }}
{{- end }}
rules: {{ .role.rules | toJson }}
{{- end -}}

{{/* A binding with KubeSphere's labels (am.go CreateOrUpdate*RoleBinding). */}}
{{- define "ks.binding" -}}
apiVersion: iam.kubesphere.io/v1beta1
kind: {{ .kind }}
metadata:
  name: {{ .name }}
  {{- with .namespace }}
  namespace: {{ . }}
  {{- end }}
  labels:
    iam.kubesphere.io/user-ref: {{ .user }}
    iam.kubesphere.io/role-ref: {{ .role }}
    {{- with .workspace }}
    kubesphere.io/workspace: {{ . }}
    {{- end }}
roleRef:
  apiGroup: iam.kubesphere.io
  kind: {{ .roleKind }}
  name: {{ .role }}
subjects:
  - apiGroup: iam.kubesphere.io
    kind: User
    name: {{ .user }}
{{- end -}}
