<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- admin_groups.xsl - the administrators' people and groups page: each
     back-office agent group and trusted third-party group with its members
     (remove one, add one by e-mail), a new group, the administrators.
     Input (engine/h_admin_groups.c):
     /page[@me]/agent-groups/group[@id, @name]/member[@id, @name, @email, @since]
     /page/third-party-groups/group[@id, @name, @kind, @ofs]/member[...]
     /page/administrators/member[...]
     /page/outcome[@form, @key, @ok]/typed[@name, @value]  (after a POST) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:if test="outcome[@ok = 'no']">
      <xsl:value-of select="g:msg('demand.errors.title_prefix')"/>
      <xsl:text> </xsl:text>
    </xsl:if>
    <xsl:value-of select="g:msg('groups.title')"/>
  </xsl:template>

  <!-- the outcome of the POST that form sent, shown in that form -->
  <xsl:template name="outcome">
    <xsl:param name="form"/>
    <xsl:for-each select="/page/outcome[@form = $form]">
      <xsl:choose>
        <xsl:when test="@ok = 'yes'">
          <p class="flash flash-ok" role="status"><xsl:value-of select="g:msg(@key)"/></p>
        </xsl:when>
        <xsl:otherwise>
          <p class="error-msg" role="alert" id="{$form}-error"><xsl:value-of select="g:msg(@key)"/></p>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="typed">
    <xsl:param name="form"/>
    <xsl:param name="name"/>
    <xsl:value-of select="/page/outcome[@form = $form and @ok = 'no']/typed[@name = $name]/@value"/>
  </xsl:template>

  <xsl:template name="email-input">
    <xsl:param name="form"/>
    <xsl:variable name="bad" select="/page/outcome[@form = $form and @ok = 'no']"/>
    <label for="{$form}-email"><xsl:value-of select="g:msg('groups.email')"/></label>
    <input type="email" id="{$form}-email" name="email" autocomplete="off">
      <xsl:attribute name="value">
        <xsl:call-template name="typed">
          <xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'email'"/>
        </xsl:call-template>
      </xsl:attribute>
      <xsl:if test="$bad">
        <xsl:attribute name="aria-invalid">true</xsl:attribute>
        <xsl:attribute name="aria-describedby"><xsl:value-of select="concat($form, '-error')"/></xsl:attribute>
      </xsl:if>
    </input>
  </xsl:template>

  <xsl:template name="members">
    <xsl:param name="kind"/>
    <xsl:param name="form"/>
    <xsl:param name="remove"/>
    <xsl:choose>
      <xsl:when test="not(member)"><p><xsl:value-of select="g:msg('groups.no_member')"/></p></xsl:when>
      <xsl:otherwise>
        <ul class="people">
          <xsl:for-each select="member">
            <li>
              <span class="who"><xsl:value-of select="@name"/>
                <xsl:if test="@email"><xsl:text> – </xsl:text><span class="email"><xsl:value-of select="@email"/></span></xsl:if>
                <xsl:text> (</xsl:text><xsl:value-of select="g:msg('groups.since', @since)"/><xsl:text>)</xsl:text>
              </span>
              <xsl:if test="not($kind = 'admin' and @id = /page/@me)">
                <form method="post" action="{$remove}/{@id}/remove" class="inline">
                  <xsl:call-template name="csrf"/>
                  <button type="submit" class="secondary">
                    <xsl:value-of select="g:msg('groups.remove', @name)"/>
                  </button>
                </form>
              </xsl:if>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="group">
    <xsl:param name="kind"/>
    <xsl:variable name="form" select="concat('members-', $kind, '-', @id)"/>
    <article class="group" aria-labelledby="{$form}-title">
      <h3 id="{$form}-title">
        <xsl:value-of select="@name"/>
        <xsl:text> </xsl:text>
        <code><xsl:value-of select="@id"/></code>
      </h3>
      <xsl:if test="@kind">
        <p>
          <xsl:value-of select="g:msg(concat('groups.kind.', @kind))"/>
          <xsl:if test="@ofs"><xsl:text>, </xsl:text><xsl:value-of select="g:msg('groups.ofs_n', @ofs)"/></xsl:if>
        </p>
      </xsl:if>
      <xsl:call-template name="outcome"><xsl:with-param name="form" select="$form"/></xsl:call-template>
      <xsl:call-template name="members">
        <xsl:with-param name="kind" select="$kind"/>
        <xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="remove" select="concat('/admin/groups/', $kind, '/', @id, '/members')"/>
      </xsl:call-template>
      <form method="post" action="/admin/groups/{$kind}/{@id}/members" class="add-member">
        <xsl:call-template name="csrf"/>
        <xsl:call-template name="email-input"><xsl:with-param name="form" select="$form"/></xsl:call-template>
        <button type="submit"><xsl:value-of select="g:msg('groups.add')"/></button>
      </form>
    </article>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p><a href="/admin"><xsl:value-of select="g:msg('admin.procs.back')"/></a></p>
    <h1><xsl:value-of select="g:msg('groups.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('groups.lead')"/></p>
    <p><a href="/admin/identities"><xsl:value-of select="g:msg('groups.to_identities')"/></a></p>

    <section aria-labelledby="agents-title">
      <h2 id="agents-title"><xsl:value-of select="g:msg('groups.agents')"/></h2>
      <xsl:for-each select="agent-groups/group">
        <xsl:call-template name="group"><xsl:with-param name="kind" select="'agent'"/></xsl:call-template>
      </xsl:for-each>
    </section>

    <section aria-labelledby="tp-title">
      <h2 id="tp-title"><xsl:value-of select="g:msg('groups.third_parties')"/></h2>
      <xsl:for-each select="third-party-groups/group">
        <xsl:call-template name="group"><xsl:with-param name="kind" select="'third-party'"/></xsl:call-template>
      </xsl:for-each>
    </section>

    <section aria-labelledby="new-group-title">
      <h2 id="new-group-title"><xsl:value-of select="g:msg('groups.new')"/></h2>
      <xsl:call-template name="outcome"><xsl:with-param name="form" select="'new-group'"/></xsl:call-template>
      <form method="post" action="/admin/groups">
        <xsl:call-template name="csrf"/>
        <fieldset>
          <legend><xsl:value-of select="g:msg('groups.new.kind')"/></legend>
          <div class="choice"><input type="radio" id="ng-agent" name="kind" value="agent" checked="checked"/>
            <label for="ng-agent"><xsl:value-of select="g:msg('groups.new.agent')"/></label></div>
          <div class="choice"><input type="radio" id="ng-third-party" name="kind" value="third-party"/>
            <label for="ng-third-party"><xsl:value-of select="g:msg('groups.new.third_party')"/></label></div>
        </fieldset>
        <xsl:for-each select="/page">
          <xsl:variable name="t" select="outcome[@form = 'new-group' and @ok = 'no']/typed"/>
          <p><label for="ng-id"><xsl:value-of select="g:msg('groups.new.id')"/></label></p>
          <p class="help" id="ng-id-help"><xsl:value-of select="g:msg('groups.new.id_help')"/></p>
          <input type="text" id="ng-id" name="id" maxlength="63" value="{$t[@name = 'id']/@value}"
                 aria-describedby="ng-id-help" autocomplete="off" spellcheck="false"/>
          <p><label for="ng-name"><xsl:value-of select="g:msg('groups.new.name')"/></label></p>
          <input type="text" id="ng-name" name="name" maxlength="200" value="{$t[@name = 'name']/@value}"/>
          <p><label for="ng-tp-kind"><xsl:value-of select="g:msg('groups.new.tp_kind')"/></label></p>
          <select id="ng-tp-kind" name="tp_kind">
            <option value="prefecture"><xsl:value-of select="g:msg('groups.kind.prefecture')"/></option>
            <option value="commune"><xsl:value-of select="g:msg('groups.kind.commune')"/></option>
            <option value="authority"><xsl:value-of select="g:msg('groups.kind.authority')"/></option>
          </select>
          <p><label for="ng-ofs"><xsl:value-of select="g:msg('groups.new.ofs')"/></label></p>
          <input type="text" id="ng-ofs" name="ofs" inputmode="numeric" maxlength="4" value="{$t[@name = 'ofs']/@value}"/>
        </xsl:for-each>
        <p><button type="submit"><xsl:value-of select="g:msg('groups.new.create')"/></button></p>
      </form>
    </section>

    <section aria-labelledby="admins-title">
      <h2 id="admins-title"><xsl:value-of select="g:msg('groups.admins')"/></h2>
      <xsl:call-template name="outcome"><xsl:with-param name="form" select="'admins'"/></xsl:call-template>
      <xsl:for-each select="administrators">
        <xsl:call-template name="members">
          <xsl:with-param name="kind" select="'admin'"/>
          <xsl:with-param name="form" select="'admins'"/>
          <xsl:with-param name="remove" select="'/admin/administrators'"/>
        </xsl:call-template>
      </xsl:for-each>
      <form method="post" action="/admin/administrators" class="add-member">
        <xsl:call-template name="csrf"/>
        <xsl:call-template name="email-input"><xsl:with-param name="form" select="'admins'"/></xsl:call-template>
        <button type="submit"><xsl:value-of select="g:msg('groups.admin_add')"/></button>
      </form>
    </section>
  </xsl:template>
</xsl:stylesheet>
