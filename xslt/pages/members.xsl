<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- members.xsl - "Administrer l'espace professionnel": the entity, its
     members with their function, since when, delegated duties and access
     grants, and the tools the reader's role allows (engine/h_members.c):
       may-members  attach a verified person, make a join key, detach
       may-grants   grant / revoke access to a protected service
       may-lead     (the référent) delegate / take back a duty, propose
                    the référent role, the space's contact e-mail
     Input: /page/space with member children, /page/services/service,
     /page/new-key (a join key just made, shown once), /page/refused (what
     a refused POST is about: its key, its field) with /page/typed values
     and /page/errors for the summary. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>
  <xsl:import href="../form.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="title-prefix"/>
    <xsl:value-of select="g:msg('members.title')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="space/@name"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('members.title')"/></h1>
    <xsl:call-template name="error-summary"/>
    <xsl:if test="refused and not(refused/@field)">
      <div class="flash flash-error" role="alert">
        <xsl:value-of select="g:msg(refused/@key)"/>
      </div>
    </xsl:if>
    <xsl:if test="space/@done">
      <div class="flash flash-ok" role="status">
        <xsl:value-of select="g:msg(concat('tools.done.', space/@done))"/>
      </div>
    </xsl:if>
    <xsl:apply-templates select="new-key"/>
    <xsl:apply-templates select="space"/>
  </xsl:template>

  <!-- the join key just made: shown this once -->
  <xsl:template match="new-key">
    <div class="flash flash-ok" role="status">
      <p><xsl:value-of select="g:msg('tools.key.made')"/></p>
      <p class="lead"><code class="join-key"><xsl:value-of select="@key"/></code></p>
      <p><xsl:value-of select="g:msg('tools.key.until', @expires)"/></p>
      <p class="help"><xsl:value-of select="g:msg('tools.key.once')"/></p>
    </div>
  </xsl:template>

  <xsl:template match="space">
    <section class="entity" aria-labelledby="entity-name">
      <h2 id="entity-name"><xsl:value-of select="@name"/></h2>
      <dl>
        <dt><xsl:value-of select="g:msg('space.ide')"/></dt>
        <dd><xsl:value-of select="@ide"/></dd>
        <dt><xsl:value-of select="g:msg('space.legal_form')"/></dt>
        <dd><xsl:value-of select="g:msg(concat('legal_form.', @legal-form))"/></dd>
        <dt><xsl:value-of select="g:msg('space.address')"/></dt>
        <dd>
          <xsl:value-of select="@street"/>
          <xsl:if test="@house-number != ''"><xsl:text> </xsl:text><xsl:value-of select="@house-number"/></xsl:if>
          <xsl:text>, </xsl:text>
          <xsl:value-of select="@postcode"/><xsl:text> </xsl:text><xsl:value-of select="@locality"/>
        </dd>
        <dt><xsl:value-of select="g:msg('space.status')"/></dt>
        <dd><xsl:value-of select="g:msg(concat('space.status.', @status))"/></dd>
        <dt><xsl:value-of select="g:msg('tools.contact.email')"/></dt>
        <dd>
          <xsl:choose>
            <xsl:when test="@contact-email != ''"><xsl:value-of select="@contact-email"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="g:msg('tools.contact.none')"/></xsl:otherwise>
          </xsl:choose>
        </dd>
      </dl>
    </section>
    <section aria-labelledby="members-title">
      <h2 id="members-title"><xsl:value-of select="g:msg('members.list')"/></h2>
      <!-- five columns do not fit a phone: the table scrolls inside its own
           region (named apart from the section around it, focusable so that
           a keyboard can scroll it) instead of widening the page -->
      <div class="table-scroll" role="region" aria-label="{g:msg('members.table')}" tabindex="0">
      <table class="members">
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select="g:msg('members.name')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('members.function')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('members.since')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('members.duties')"/></th>
            <th scope="col"><xsl:value-of select="g:msg('members.grants')"/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="member">
            <tr>
              <th scope="row">
                <xsl:value-of select="@name"/>
                <xsl:if test="@referent = 'yes'">
                  <xsl:text> </xsl:text>
                  <strong class="badge"><xsl:value-of select="g:msg('members.referent')"/></strong>
                </xsl:if>
                <xsl:if test="@email != ''">
                  <br/><span class="hint"><xsl:value-of select="@email"/></span>
                </xsl:if>
              </th>
              <td><xsl:value-of select="@function"/></td>
              <td><xsl:value-of select="@since"/></td>
              <td>
                <xsl:choose>
                  <xsl:when test="@referent = 'yes'"><xsl:value-of select="g:msg('members.all_duties')"/></xsl:when>
                  <xsl:when test="duty">
                    <xsl:for-each select="duty">
                      <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
                      <xsl:value-of select="g:msg(concat('duty.', @name))"/>
                    </xsl:for-each>
                    <xsl:if test="@duties-until">
                      <xsl:text> </xsl:text>
                      <span class="hint">(<xsl:value-of select="g:msg('members.until')"/><xsl:text> </xsl:text><xsl:value-of select="@duties-until"/>)</span>
                    </xsl:if>
                  </xsl:when>
                  <xsl:otherwise>–</xsl:otherwise>
                </xsl:choose>
              </td>
              <td>
                <xsl:choose>
                  <xsl:when test="@referent = 'yes'"><xsl:value-of select="g:msg('members.all_services')"/></xsl:when>
                  <xsl:when test="grant">
                    <ul class="grants">
                      <xsl:for-each select="grant"><li><xsl:call-template name="service-title"/></li></xsl:for-each>
                    </ul>
                  </xsl:when>
                  <xsl:otherwise>–</xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      </div>
      <p class="hint"><xsl:value-of select="g:msg('members.hint')"/></p>
    </section>

    <xsl:if test="@may-members = 'yes'">
      <section aria-labelledby="attach-title">
        <h2 id="attach-title"><xsl:value-of select="g:msg('tools.attach.title')"/></h2>
        <p><xsl:value-of select="g:msg('tools.attach.intro')"/></p>
        <form method="post" action="/spaces/{@id}/members/attach" novalidate="novalidate">
          <xsl:call-template name="csrf"/>
          <xsl:call-template name="input">
            <xsl:with-param name="id" select="'attach-identifier'"/>
            <xsl:with-param name="name" select="'identifier'"/>
            <xsl:with-param name="label" select="'tools.attach.identifier'"/>
            <xsl:with-param name="hint" select="'tools.attach.identifier_hint'"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
          </xsl:call-template>
          <xsl:call-template name="input">
            <xsl:with-param name="id" select="'attach-function'"/>
            <xsl:with-param name="name" select="'function'"/>
            <xsl:with-param name="label" select="'tools.attach.function'"/>
            <xsl:with-param name="hint" select="'tools.function_hint'"/>
          </xsl:call-template>
          <p><button type="submit"><xsl:value-of select="g:msg('tools.attach.button')"/></button></p>
        </form>
      </section>
      <section aria-labelledby="key-title">
        <h2 id="key-title"><xsl:value-of select="g:msg('tools.key.title')"/></h2>
        <p><xsl:value-of select="g:msg('tools.key.intro')"/></p>
        <form method="post" action="/spaces/{@id}/join-keys">
          <xsl:call-template name="csrf"/>
          <p><button type="submit"><xsl:value-of select="g:msg('tools.key.button')"/></button></p>
        </form>
      </section>
    </xsl:if>

    <xsl:if test="member[not(@referent = 'yes')] and (@may-members = 'yes' or @may-grants = 'yes' or @may-lead = 'yes')">
      <section aria-labelledby="manage-title">
        <h2 id="manage-title"><xsl:value-of select="g:msg('tools.manage.title')"/></h2>
        <xsl:apply-templates select="member[not(@referent = 'yes')]" mode="tools"/>
      </section>
    </xsl:if>

    <xsl:if test="@may-lead = 'yes'">
      <section aria-labelledby="contact-title">
        <h2 id="contact-title"><xsl:value-of select="g:msg('tools.contact.title')"/></h2>
        <p><xsl:value-of select="g:msg('tools.contact.intro')"/></p>
        <form method="post" action="/spaces/{@id}/contact" novalidate="novalidate">
          <xsl:call-template name="csrf"/>
          <xsl:call-template name="input">
            <xsl:with-param name="id" select="'contact-email'"/>
            <xsl:with-param name="name" select="'email'"/>
            <xsl:with-param name="label" select="'tools.contact.email'"/>
            <xsl:with-param name="type" select="'email'"/>
            <xsl:with-param name="value" select="@contact-email"/>
            <xsl:with-param name="required" select="false()"/>
            <xsl:with-param name="autocomplete" select="'email'"/>
            <xsl:with-param name="hint" select="'tools.contact.hint'"/>
          </xsl:call-template>
          <p><button type="submit"><xsl:value-of select="g:msg('tools.contact.button')"/></button></p>
        </form>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- what the reader may do about one member (not the référent) -->
  <xsl:template match="member" mode="tools">
    <xsl:variable name="sp" select="../@id"/>
    <xsl:variable name="p" select="@person"/>
    <xsl:variable name="base" select="concat('/spaces/', $sp, '/members/', $p)"/>
    <div class="member-tools">
      <h3 id="m-{$p}"><xsl:value-of select="@name"/></h3>

      <xsl:if test="../@may-grants = 'yes'">
        <h4><xsl:value-of select="g:msg('members.grants')"/></h4>
        <xsl:choose>
          <xsl:when test="grant">
            <ul class="grants">
              <xsl:for-each select="grant">
                <li>
                  <xsl:call-template name="service-title"/>
                  <xsl:text> </xsl:text>
                  <form method="post" action="{$base}/revoke" class="inline">
                    <xsl:call-template name="csrf"/>
                    <input type="hidden" name="workflow" value="{@workflow}"/>
                    <button type="submit" aria-describedby="m-{$p}"><xsl:value-of select="g:msg('tools.grant.revoke')"/></button>
                  </form>
                </li>
              </xsl:for-each>
            </ul>
          </xsl:when>
          <xsl:otherwise><p><xsl:value-of select="g:msg('tools.grant.none')"/></p></xsl:otherwise>
        </xsl:choose>
        <xsl:if test="/page/services/service">
          <form method="post" action="{$base}/grant" novalidate="novalidate">
            <xsl:call-template name="csrf"/>
            <xsl:call-template name="select">
              <xsl:with-param name="id" select="concat('grant-', $p)"/>
              <xsl:with-param name="name" select="'workflow'"/>
              <xsl:with-param name="label" select="'tools.grant.service'"/>
              <xsl:with-param name="options" select="/page/services/service"/>
            </xsl:call-template>
            <p><button type="submit"><xsl:value-of select="g:msg('tools.grant.button')"/></button></p>
          </form>
        </xsl:if>
      </xsl:if>

      <xsl:if test="../@may-lead = 'yes'">
        <h4><xsl:value-of select="g:msg('members.duties')"/></h4>
        <xsl:choose>
          <xsl:when test="duty">
            <ul>
              <xsl:for-each select="duty">
                <li>
                  <xsl:value-of select="g:msg(concat('duty.', @name))"/>
                  <xsl:text> </xsl:text>
                  <form method="post" action="{$base}/undelegate" class="inline">
                    <xsl:call-template name="csrf"/>
                    <input type="hidden" name="duty" value="{@name}"/>
                    <button type="submit" aria-describedby="m-{$p}"><xsl:value-of select="g:msg('tools.delegate.take_back')"/></button>
                  </form>
                </li>
              </xsl:for-each>
            </ul>
          </xsl:when>
          <xsl:otherwise><p><xsl:value-of select="g:msg('tools.delegate.none')"/></p></xsl:otherwise>
        </xsl:choose>
        <form method="post" action="{$base}/delegate" novalidate="novalidate">
          <xsl:call-template name="csrf"/>
          <xsl:call-template name="select">
            <xsl:with-param name="id" select="concat('duty-', $p)"/>
            <xsl:with-param name="name" select="'duty'"/>
            <xsl:with-param name="label" select="'tools.delegate.duty'"/>
            <xsl:with-param name="duties" select="true()"/>
          </xsl:call-template>
          <xsl:call-template name="input">
            <xsl:with-param name="id" select="concat('until-', $p)"/>
            <xsl:with-param name="name" select="'until'"/>
            <xsl:with-param name="label" select="'tools.delegate.until'"/>
            <xsl:with-param name="hint" select="'tools.delegate.until_hint'"/>
            <xsl:with-param name="required" select="false()"/>
            <xsl:with-param name="inputmode" select="'numeric'"/>
          </xsl:call-template>
          <p><button type="submit"><xsl:value-of select="g:msg('tools.delegate.button')"/></button></p>
        </form>

        <h4><xsl:value-of select="g:msg('tools.referent.title')"/></h4>
        <xsl:choose>
          <xsl:when test="@offered = 'yes'">
            <p><xsl:value-of select="g:msg('tools.referent.pending')"/></p>
            <form method="post" action="/spaces/{$sp}/referent/withdraw">
              <xsl:call-template name="csrf"/>
              <p><button type="submit" aria-describedby="m-{$p}"><xsl:value-of select="g:msg('tools.referent.withdraw')"/></button></p>
            </form>
          </xsl:when>
          <xsl:otherwise>
            <p class="help"><xsl:value-of select="g:msg('tools.referent.intro')"/></p>
            <form method="post" action="{$base}/referent">
              <xsl:call-template name="csrf"/>
              <p><button type="submit" aria-describedby="m-{$p}"><xsl:value-of select="g:msg('tools.referent.offer')"/></button></p>
            </form>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:if>

      <xsl:if test="../@may-members = 'yes'">
        <form method="post" action="{$base}/detach">
          <xsl:call-template name="csrf"/>
          <p><button type="submit" aria-describedby="m-{$p}"><xsl:value-of select="g:msg('tools.detach.button')"/></button></p>
        </form>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- a granted service by its title when it is listed, else its key -->
  <xsl:template name="service-title">
    <xsl:variable name="s" select="/page/services/service[@key = current()/@workflow]"/>
    <xsl:choose>
      <xsl:when test="$s"><xsl:value-of select="$s/@title"/></xsl:when>
      <xsl:otherwise><code><xsl:value-of select="@workflow"/></code></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- the refusal about a field, if any -->
  <xsl:template name="field-error">
    <xsl:param name="id"/>
    <xsl:variable name="r" select="/page/refused[@field = $id]"/>
    <xsl:if test="$r">
      <p class="error-msg" id="{$id}-error">
        <xsl:value-of select="g:msg('demand.error_prefix')"/>
        <xsl:text> </xsl:text>
        <xsl:value-of select="g:msg($r/@key)"/>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template name="described">
    <xsl:param name="id"/>
    <xsl:param name="hint"/>
    <xsl:variable name="ids">
      <xsl:if test="$hint != ''"><xsl:value-of select="concat($id, '-hint ')"/></xsl:if>
      <xsl:if test="/page/refused[@field = $id]"><xsl:value-of select="concat($id, '-error')"/></xsl:if>
    </xsl:variable>
    <xsl:if test="normalize-space($ids) != ''">
      <xsl:attribute name="aria-describedby"><xsl:value-of select="normalize-space($ids)"/></xsl:attribute>
    </xsl:if>
    <xsl:if test="/page/refused[@field = $id]">
      <xsl:attribute name="aria-invalid">true</xsl:attribute>
    </xsl:if>
  </xsl:template>

  <xsl:template name="input">
    <xsl:param name="id"/>
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="type" select="'text'"/>
    <xsl:param name="value" select="''"/>
    <xsl:param name="required" select="true()"/>
    <xsl:param name="autocomplete" select="''"/>
    <xsl:param name="inputmode" select="''"/>
    <xsl:variable name="typed" select="/page/typed[@name = $name or @name = $id]"/>
    <div class="field" id="{$id}-field">
      <xsl:if test="/page/refused[@field = $id]"><xsl:attribute name="class">field field-error</xsl:attribute></xsl:if>
      <label for="{$id}">
        <xsl:value-of select="g:msg($label)"/>
        <span class="{substring('reqopt', 1 + 3 * number(not($required)), 3)}">
          <xsl:text> </xsl:text>
          <xsl:choose>
            <xsl:when test="$required"><xsl:value-of select="g:msg('demand.required')"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="g:msg('demand.optional')"/></xsl:otherwise>
          </xsl:choose>
        </span>
      </label>
      <xsl:if test="$hint != ''">
        <p class="help" id="{$id}-hint"><xsl:value-of select="g:msg($hint)"/></p>
      </xsl:if>
      <xsl:call-template name="field-error"><xsl:with-param name="id" select="$id"/></xsl:call-template>
      <input type="{$type}" id="{$id}" name="{$name}">
        <xsl:attribute name="value">
          <xsl:choose>
            <xsl:when test="$typed and /page/refused/@field"><xsl:value-of select="$typed/@value"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
          </xsl:choose>
        </xsl:attribute>
        <xsl:call-template name="described">
          <xsl:with-param name="id" select="$id"/>
          <xsl:with-param name="hint" select="$hint"/>
        </xsl:call-template>
        <xsl:if test="$required"><xsl:attribute name="aria-required">true</xsl:attribute></xsl:if>
        <xsl:if test="$autocomplete != ''"><xsl:attribute name="autocomplete"><xsl:value-of select="$autocomplete"/></xsl:attribute></xsl:if>
        <xsl:if test="$inputmode != ''"><xsl:attribute name="inputmode"><xsl:value-of select="$inputmode"/></xsl:attribute></xsl:if>
      </input>
    </div>
  </xsl:template>

  <xsl:template name="select">
    <xsl:param name="id"/>
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="options" select="/.."/>
    <xsl:param name="duties" select="false()"/>
    <div class="field" id="{$id}-field">
      <xsl:if test="/page/refused[@field = $id]"><xsl:attribute name="class">field field-error</xsl:attribute></xsl:if>
      <label for="{$id}">
        <xsl:value-of select="g:msg($label)"/>
        <span class="req"><xsl:text> </xsl:text><xsl:value-of select="g:msg('demand.required')"/></span>
      </label>
      <xsl:call-template name="field-error"><xsl:with-param name="id" select="$id"/></xsl:call-template>
      <select id="{$id}" name="{$name}" aria-required="true">
        <xsl:call-template name="described"><xsl:with-param name="id" select="$id"/></xsl:call-template>
        <option value=""><xsl:value-of select="g:msg('demand.choose')"/></option>
        <xsl:for-each select="$options">
          <option value="{@key}"><xsl:value-of select="@title"/></option>
        </xsl:for-each>
        <xsl:if test="$duties">
          <option value="members"><xsl:value-of select="g:msg('duty.members')"/></option>
          <option value="grants"><xsl:value-of select="g:msg('duty.grants')"/></option>
        </xsl:if>
      </select>
    </div>
  </xsl:template>
</xsl:stylesheet>
