<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- admin_services.xsl - the administrators' page of service accounts:
     the other systems that may fire a procedure's by="system" transitions
     over HTTPS (docs/api.md).  Input (engine/h_admin_services.c):
     /page[@notice]/accounts/account[@id, @name, @description, @created_at,
       @created_by, @last_used_at, @revoked_at, @revoked_by, @refused]
       /scope[@workflow, @transition]
     /page/choices/procedure[@key, @title]/transition[@id, @label, @checked]
     /page/form[@name, @description]/error[@field, @key]
     /page/created[@name, @token]   (the token, shown this once) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:if test="form/error">
      <xsl:value-of select="g:msg('demand.errors.title_prefix')"/>
      <xsl:text> </xsl:text>
    </xsl:if>
    <xsl:value-of select="g:msg('api.admin.title')"/>
  </xsl:template>

  <xsl:template name="field-error">
    <xsl:param name="field"/>
    <xsl:for-each select="/page/form/error[@field = $field]">
      <p class="error-msg" id="sa-{$field}-error"><xsl:value-of select="g:msg(@key)"/></p>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p><a href="/admin"><xsl:value-of select="g:msg('admin.procs.back')"/></a></p>
    <h1><xsl:value-of select="g:msg('api.admin.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('api.admin.lead')"/></p>
    <xsl:if test="@notice">
      <div class="flash flash-ok" role="status"><p><xsl:value-of select="g:msg(@notice)"/></p></div>
    </xsl:if>
    <xsl:if test="form/error">
      <div class="error-summary flash flash-error" role="alert" tabindex="-1" id="error-summary">
        <h2><xsl:value-of select="g:msg('api.admin.refused')"/></h2>
        <ul>
          <xsl:for-each select="form/error">
            <li><a href="#sa-{@field}"><xsl:value-of select="g:msg(@key)"/></a></li>
          </xsl:for-each>
        </ul>
      </div>
    </xsl:if>
    <xsl:for-each select="created">
      <section class="flash flash-ok" aria-labelledby="created-title" role="status">
        <h2 id="created-title"><xsl:value-of select="g:msg('api.admin.created', @name)"/></h2>
        <p><xsl:value-of select="g:msg('api.admin.token_once')"/></p>
        <p><label for="sa-token"><xsl:value-of select="g:msg('api.admin.token')"/></label></p>
        <p><input type="text" id="sa-token" readonly="readonly" value="{@token}" size="40"
                  class="token" autocomplete="off" spellcheck="false"/></p>
      </section>
    </xsl:for-each>

    <section aria-labelledby="accounts-title">
      <h2 id="accounts-title"><xsl:value-of select="g:msg('api.admin.accounts')"/></h2>
      <xsl:if test="not(accounts/account)">
        <p><xsl:value-of select="g:msg('api.admin.none')"/></p>
      </xsl:if>
      <xsl:for-each select="accounts/account">
        <article class="service-account" aria-labelledby="sa-{@id}">
          <h3 id="sa-{@id}">
            <code><xsl:value-of select="@name"/></code>
            <xsl:if test="@revoked_at">
              <xsl:text> – </xsl:text>
              <xsl:value-of select="g:msg('api.admin.revoked_state')"/>
            </xsl:if>
          </h3>
          <xsl:if test="@description">
            <p><xsl:value-of select="@description"/></p>
          </xsl:if>
          <dl>
            <dt><xsl:value-of select="g:msg('api.admin.scope')"/></dt>
            <dd>
              <ul>
                <xsl:for-each select="scope">
                  <li><code><xsl:value-of select="concat(@workflow, ' → ', @transition)"/></code></li>
                </xsl:for-each>
              </ul>
            </dd>
            <dt><xsl:value-of select="g:msg('api.admin.made')"/></dt>
            <dd><xsl:value-of select="concat(@created_at, ', ', @created_by)"/></dd>
            <dt><xsl:value-of select="g:msg('api.admin.last_used')"/></dt>
            <dd>
              <xsl:choose>
                <xsl:when test="@last_used_at"><xsl:value-of select="@last_used_at"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="g:msg('api.admin.never')"/></xsl:otherwise>
              </xsl:choose>
            </dd>
            <dt><xsl:value-of select="g:msg('api.admin.refused_calls')"/></dt>
            <dd><xsl:value-of select="@refused"/></dd>
            <xsl:if test="@revoked_at">
              <dt><xsl:value-of select="g:msg('api.admin.revoked_on')"/></dt>
              <dd><xsl:value-of select="concat(@revoked_at, ', ', @revoked_by)"/></dd>
            </xsl:if>
          </dl>
          <xsl:if test="not(@revoked_at)">
            <form method="post" action="/admin/service-accounts/{@id}/revoke">
              <xsl:call-template name="csrf"/>
              <button type="submit" class="secondary" aria-describedby="sa-{@id}">
                <xsl:value-of select="g:msg('api.admin.revoke')"/>
              </button>
            </form>
          </xsl:if>
        </article>
      </xsl:for-each>
    </section>

    <section aria-labelledby="new-title">
      <h2 id="new-title"><xsl:value-of select="g:msg('api.admin.new')"/></h2>
      <xsl:choose>
        <xsl:when test="not(choices/procedure)">
          <p><xsl:value-of select="g:msg('api.admin.no_system_step')"/></p>
        </xsl:when>
        <xsl:otherwise>
          <form method="post" action="/admin/service-accounts" novalidate="novalidate">
            <xsl:call-template name="csrf"/>
            <div>
              <xsl:if test="form/error[@field = 'name']"><xsl:attribute name="class">field-error</xsl:attribute></xsl:if>
              <p><label for="sa-name"><xsl:value-of select="g:msg('api.admin.name')"/></label></p>
              <p class="help" id="sa-name-help"><xsl:value-of select="g:msg('api.admin.name_help')"/></p>
              <xsl:call-template name="field-error"><xsl:with-param name="field" select="'name'"/></xsl:call-template>
              <input type="text" id="sa-name" name="name" value="{form/@name}" maxlength="63"
                     autocomplete="off" spellcheck="false">
                <xsl:attribute name="aria-describedby">
                  <xsl:text>sa-name-help</xsl:text>
                  <xsl:if test="form/error[@field = 'name']"> sa-name-error</xsl:if>
                </xsl:attribute>
                <xsl:if test="form/error[@field = 'name']"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
              </input>
            </div>
            <div>
              <xsl:if test="form/error[@field = 'description']"><xsl:attribute name="class">field-error</xsl:attribute></xsl:if>
              <p><label for="sa-description"><xsl:value-of select="g:msg('api.admin.description')"/></label></p>
              <xsl:call-template name="field-error"><xsl:with-param name="field" select="'description'"/></xsl:call-template>
              <input type="text" id="sa-description" name="description" value="{form/@description}" maxlength="300">
                <xsl:if test="form/error[@field = 'description']">
                  <xsl:attribute name="aria-describedby">sa-description-error</xsl:attribute>
                  <xsl:attribute name="aria-invalid">true</xsl:attribute>
                </xsl:if>
              </input>
            </div>
            <fieldset id="sa-scope">
              <legend><xsl:value-of select="g:msg('api.admin.scope_legend')"/></legend>
              <xsl:call-template name="field-error"><xsl:with-param name="field" select="'scope'"/></xsl:call-template>
              <xsl:for-each select="choices/procedure">
                <p><strong><xsl:value-of select="@title"/></strong></p>
                <xsl:for-each select="transition">
                  <div class="choice">
                    <input type="checkbox" id="sa-scope-{../@key}-{@id}" name="scope" value="{../@key}:{@id}">
                      <xsl:if test="@checked"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
                    </input>
                    <label for="sa-scope-{../@key}-{@id}">
                      <xsl:value-of select="@label"/>
                      <xsl:text> (</xsl:text><code><xsl:value-of select="@id"/></code><xsl:text>)</xsl:text>
                    </label>
                  </div>
                </xsl:for-each>
              </xsl:for-each>
            </fieldset>
            <p><button type="submit"><xsl:value-of select="g:msg('api.admin.create')"/></button></p>
          </form>
        </xsl:otherwise>
      </xsl:choose>
      <p><xsl:value-of select="g:msg('api.admin.doc')"/></p>
    </section>
  </xsl:template>
</xsl:stylesheet>
